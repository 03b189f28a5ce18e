# TELEPHONE_SANITIZE: AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer, part of ASan on
# Linux) for every target of the project. Included from the top-level CMakeLists.txt before any
# target is defined, so add_compile_options/add_link_options reach them all. Works with GCC (what
# tests/run-sanitized uses) and Clang. Runtime options (ASAN_OPTIONS, LSAN_OPTIONS with
# tests/sanitizer/lsan.supp, UBSAN_OPTIONS) are set by tests/run-sanitized.
option(TELEPHONE_SANITIZE "Build everything with ASan + UBSan + LeakSanitizer" OFF)

if(TELEPHONE_SANITIZE)
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        message(FATAL_ERROR "TELEPHONE_SANITIZE needs GCC or Clang (got ${CMAKE_CXX_COMPILER_ID})")
    endif()
    # -fno-sanitize-recover=undefined: the first UB report aborts the test, so CI cannot miss it.
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                        -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=address,undefined)
    # Code runs 2-5x slower under ASan: tests with wall-clock budgets can scale them on this.
    add_compile_definitions(TELEPHONE_SANITIZE=1)
    message(STATUS "TELEPHONE_SANITIZE: building with -fsanitize=address,undefined")
endif()
