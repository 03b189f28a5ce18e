<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>telephone::Autostart</name>
    <message>
        <source>Connects a local port to a Plugboard reverse proxy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot remove %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot create the folder %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>telephone::BodyFormatter</name>
    <message>
        <source>No body</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JSON, shown as sent: over %1 is not re-indented</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JSON (pretty-printed; cut where the capture ends)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JSON (pretty-printed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Binary — hex view of the first %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Binary — hex view</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>telephone::ConfigWriter</name>
    <message>
        <source>%1 cannot be saved in the config file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot create the folder %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot write %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no permission</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>format error</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>telephone::CurlCommand</name>
    <message>
        <source>Only the first %1 of %2 bytes of the request body were captured: this command sends that part only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Left out (credentials): %1. Add them with --header if needed.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>telephone::DesktopShell</name>
    <message>
        <source>Telephone keeps running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The tunnel stays open in the tray. Quit from the tray menu to stop it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>telephone::ExchangeDetailView</name>
    <message>
        <source>[%1 of binary data]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[… cut: %1 of %2 captured]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Response</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Raw</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Header</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save body…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Query</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Form (application/x-www-form-urlencoded body)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a request to see it in full.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>waiting for the backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Received %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>answered %1 (+%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>replayed from the inspector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backend answered %1; Telephone did not pass it on: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Telephone answered this request in place of the backend&apos;s %1 (see Backend sent): %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Telephone answered this request itself: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no response yet)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no answer: %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No response yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Truncated: only the first %1 of %2 were captured.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Formatting %1…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>telephone::ExchangeModel</name>
    <message>
        <source>pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answered by Telephone: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replayed from the inspector straight to the backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Received</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>telephone::FirstRunPage</name>
    <message>
        <source>Connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set up Telephone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>eyJ… (from Plugboard)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>3000 or http://127.0.0.1:3000</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Connect a local port to Plugboard&lt;/b&gt;&lt;br&gt;Three things, once. They are kept for the next start; the token is stored encrypted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Local port or URL:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The Plugboard server&apos;s address, e.g. wss://plugboard.example</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connects to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paste the token Plugboard gave you for your mount.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mount %1 · issued %2 · %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where your app listens on this computer: a port number or a URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Requests go to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking that something answers at %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing answers at %1 (%2). Start your app and press Connect again, or connect anyway.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect anyway</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not save the settings: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved. Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>telephone::HumanText</name>
    <message>
        <source>Disconnected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Joining</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnecting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Configuration refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopping</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>does not expire</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expired %1 ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expires in %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No token yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token unusable: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token expired at %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token refused by the server: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>paste the token Plugboard gave you for your mount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>get a new token from Plugboard and paste it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>paste a new token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paste token…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>telephone::MainWindow</name>
    <message numerus="yes">
        <source>%Ln request(s)</source>
        <translation>
            <numerusform>%Ln request</numerusform>
            <numerusform>%Ln requests</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln request(s) to %1</source>
        <translation>
            <numerusform>Exported %Ln request to %1</numerusform>
            <numerusform>Exported %Ln requests to %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln request(s) to %1 (credentials redacted)</source>
        <translation>
            <numerusform>Exported %Ln request to %1 (credentials redacted)</numerusform>
            <numerusform>Exported %Ln requests to %1 (credentials redacted)</numerusform>
        </translation>
    </message>
    <message>
        <source>Tunnel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export HAR</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export selected as HAR…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export all as HAR…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Include credentials in exports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Authorization, Cookie and Set-Cookie values are replaced by [redacted] in HAR files and left out of curl commands unless this is on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Tunnel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set token…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Requests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send the selected requests to the local backend again, from the captured bytes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit and replay…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change method, path, headers or body, send it, and compare the answers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy as curl</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select newest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Telephone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Telephone — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A selected request&apos;s body was not captured in full, so it cannot be replayed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 shown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>history keeps the last %1 requests or %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>older requests dropped: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replaying %1 to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>curl command copied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>curl command copied (credentials left out)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>URL copied: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save body</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved the %1 captured of %2 to %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved %1 to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export as HAR</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HAR files (*.har);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>telephone::Notifier</name>
    <message>
        <source>Token expiring soon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token expires in %1 and could not be refreshed. Paste a new one from the tray menu.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token expired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token has expired. Telephone needs a new one to reconnect.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token refresh failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Telephone keeps trying. The server said: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Telephone is connected again and serving %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Configuration refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection lost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Telephone has not been connected for %1 and keeps trying: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>telephone::ReplayComparison</name>
    <message>
        <source>waiting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replay compared — Telephone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Original</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Original: %2 · Replay: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sending…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>telephone::ReplayEditor</name>
    <message>
        <source>Edit and replay — Telephone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The captured body is binary: it is sent unchanged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Method:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Path:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Headers (Name: value, one a line):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Body:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The method must be one word, such as GET.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The path must start with / and contain no spaces.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This line is not a header (Name: value): %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>telephone::RequestsView</name>
    <message numerus="yes">
        <source>Cleared %Ln request(s).</source>
        <translation>
            <numerusform>Cleared %Ln request.</numerusform>
            <numerusform>Cleared %Ln requests.</numerusform>
        </translation>
    </message>
    <message>
        <source>Follow</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter: path, GET, 4xx, 404, pending, replay, error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep the newest request in view</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Forget every captured request (can be undone for a few seconds)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Follow paused while you read — scroll to the bottom to resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear filter</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>telephone::SettingsDialog</name>
    <message>
        <source>Start Telephone when I log in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start in the tray without showing this window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show desktop notifications</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings — Telephone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Automatic (follows the desktop&apos;s light or dark look)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Colour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Light (for dark panels)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dark (for light panels)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plugboard server:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Local backend:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tray icon:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved in %1. Server, backend and language changes take effect the next time Telephone starts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This run takes the value from %1, which wins over the config file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings saved, but start at login could not be changed: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>telephone::SingleInstance</name>
    <message>
        <source>cannot create the lock file %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the running Telephone did not answer</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>telephone::StatusPanel</name>
    <message>
        <source>socket opening · channel not joined</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>socket open · channel joining</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>socket open · channel joined</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>leaving the channel · closing the socket</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>socket closed · channel not joined</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnect now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paste token…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Socket:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Heartbeat:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next try:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mount:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Public URL:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Secret store:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Asked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not configured</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>round trip %1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no reply measured yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>waiting for a new token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>–</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not joined yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>known once joined</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — no requests yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — answering (last answer at %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — NOT answering since %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>refused — see State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot be used — see State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>; refresh in %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none reported — tokens are kept in memory only</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>telephone::TokenDialog</name>
    <message>
        <source>Show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token — Telephone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paste the token (eyJ…) from Plugboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save and connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mount (path_id):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Subject:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Issued:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Expires:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing is saved until you press Save. The token is checked here only by its contents; the server decides whether it is valid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paste a token to see what it is for.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This token is for another mount than the one this tunnel serves (%1). Saving switches the tunnel to the token&apos;s mount.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token looks usable. Save connects with it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>telephone::TokenPreview</name>
    <message>
        <source>This is not a Plugboard token: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This token has expired; it would be refused. Get a new one from Plugboard.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not stated</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>telephone::TrayIcon</name>
    <message>
        <source>Paste token…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy public URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paste token from clipboard…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Telephone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected — backend not answering</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Telephone — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mount: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next try in %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>telephone::TunnelActions</name>
    <message>
        <source>Connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh token now</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
