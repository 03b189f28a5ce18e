# Installation layout (XDG/FHS) and packages (CPack: .deb and .tar.gz). Included from the top-level
# CMakeLists.txt after the targets exist.
include(GNUInstallDirs)

set(TELEPHONE_APP_ID "org.plugboard.Telephone")
set(_pkg "${PROJECT_SOURCE_DIR}/packaging")

# --- systemd user units: the same template `telephone service install` uses -------------------------
# telephone.service runs the packaged binary with the default configuration file; telephone@NAME
# runs one instance per configuration file ~/.config/telephone/NAME.ini, each with its own data
# directory (see README, "Several instances for the same mount").
set(TELEPHONE_EXEC "${CMAKE_INSTALL_FULL_BINDIR}/telephone")
set(TELEPHONE_ARGS "")
configure_file("${_pkg}/systemd/telephone.service.in" "${CMAKE_CURRENT_BINARY_DIR}/packaging/telephone.service" @ONLY)
set(TELEPHONE_ARGS " --config %E/telephone/%i.ini --data-dir %h/.local/share/telephone/%i")
configure_file("${_pkg}/systemd/telephone.service.in" "${CMAKE_CURRENT_BINARY_DIR}/packaging/telephone@.service" @ONLY)
install(FILES
    "${CMAKE_CURRENT_BINARY_DIR}/packaging/telephone.service"
    "${CMAKE_CURRENT_BINARY_DIR}/packaging/telephone@.service"
    DESTINATION "${CMAKE_INSTALL_PREFIX}/lib/systemd/user")

# --- desktop integration ---------------------------------------------------------------------------
install(FILES "${_pkg}/telephone.desktop" DESTINATION "${CMAKE_INSTALL_DATADIR}/applications")
install(FILES "${_pkg}/${TELEPHONE_APP_ID}.metainfo.xml" DESTINATION "${CMAKE_INSTALL_DATADIR}/metainfo")
install(FILES "${_pkg}/icons/telephone.svg" DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps")

# PNG sizes rendered from the SVG at build time (some panels and menus still want bitmaps).
add_executable(telephone_iconrender "${_pkg}/iconrender.cpp")
target_link_libraries(telephone_iconrender PRIVATE Qt6::Gui Qt6::Svg)
set(_pngs)
foreach(_size 16 32 48 64 128 256)
    set(_png "${CMAKE_CURRENT_BINARY_DIR}/packaging/icons/${_size}x${_size}/telephone.png")
    add_custom_command(OUTPUT "${_png}"
        COMMAND ${CMAKE_COMMAND} -E make_directory "${CMAKE_CURRENT_BINARY_DIR}/packaging/icons/${_size}x${_size}"
        COMMAND telephone_iconrender "${_pkg}/icons/telephone.svg" ${_size} "${_png}"
        DEPENDS telephone_iconrender "${_pkg}/icons/telephone.svg"
        COMMENT "Rendering the ${_size}x${_size} app icon")
    list(APPEND _pngs "${_png}")
    install(FILES "${_png}" DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/${_size}x${_size}/apps")
endforeach()
add_custom_target(telephone_icons ALL DEPENDS ${_pngs})

install(FILES "${PROJECT_SOURCE_DIR}/README.md" "${PROJECT_SOURCE_DIR}/CHANGELOG.md"
    DESTINATION "${CMAKE_INSTALL_DOCDIR}")

# --- packages ----------------------------------------------------------------------------------------
set(CPACK_PACKAGE_NAME "telephone")
set(CPACK_PACKAGE_VENDOR "Plugboard")
set(CPACK_PACKAGE_CONTACT "Telephone maintainers <telephone@plugboard.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_PACKAGE_FILE_NAME "telephone-${PROJECT_VERSION}-${CMAKE_SYSTEM_PROCESSOR}")
set(CPACK_STRIP_FILES ON)
# The packages hold what `cmake --install` installs, at the same prefix, because the systemd units
# name the binary by its absolute path. A .deb wants /usr: configure with -DCMAKE_INSTALL_PREFIX=/usr
# (as .ci/run does).
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    message(STATUS "Packages would install under ${CMAKE_INSTALL_PREFIX}; Debian packages belong in /usr")
endif()

set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGE_DESCRIPTION
    "Telephone keeps one WebSocket to a Plugboard server and forwards each proxied request to a local backend. It runs from the system tray or headless under systemd, with health and Prometheus metrics endpoints.")
# Shared libraries (Qt 6 Core/Network/WebSockets/Sql/HttpServer/Gui/Widgets/Svg/DBus, QtKeychain,
# OpenSSL, libstdc++) come from dpkg-shlibdeps, which reads the binary and so cannot miss or
# invent one. What it cannot see are plugins Qt loads at run time: the SQLite driver for the token
# store (libqt6sql6-sqlite). The SVG image format for the tray icons is in libqt6svg6, which
# shlibdeps adds because the tray links QtSvg, and the xcb platform plugin ships inside libqt6gui6.
# A Secret Service for the OS keychain is
# recommended, not required: --secret-store file works without one.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-sqlite")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gnome-keyring")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "systemd")
include(CPack)
