<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>telephone::Autostart</name>
    <message>
        <source>Connects a local port to a Plugboard reverse proxy</source>
        <translation>Verbindet einen lokalen Port mit einem Plugboard-Reverse-Proxy</translation>
    </message>
    <message>
        <source>cannot remove %1</source>
        <translation>%1 kann nicht entfernt werden</translation>
    </message>
    <message>
        <source>cannot create the folder %1</source>
        <translation>der Ordner %1 kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
</context>
<context>
    <name>telephone::BodyFormatter</name>
    <message>
        <source>No body</source>
        <translation>Kein Inhalt</translation>
    </message>
    <message>
        <source>JSON (pretty-printed)</source>
        <translation>JSON (formatiert)</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>Binary — hex view of the first %1</source>
        <translation>Binär — Hex-Ansicht der ersten %1</translation>
    </message>
    <message>
        <source>Binary — hex view</source>
        <translation>Binär — Hex-Ansicht</translation>
    </message>
    <message>
        <source>JSON, shown as sent: over %1 is not re-indented</source>
        <translation>JSON, wie gesendet: über %1 wird nicht neu eingerückt</translation>
    </message>
    <message>
        <source>JSON (pretty-printed; cut where the capture ends)</source>
        <translation>JSON (formatiert; endet, wo die Aufzeichnung endet)</translation>
    </message>
</context>
<context>
    <name>telephone::ConfigWriter</name>
    <message>
        <source>%1 cannot be saved in the config file</source>
        <translation>%1 kann nicht in der Konfigurationsdatei gespeichert werden</translation>
    </message>
    <message>
        <source>cannot create the folder %1</source>
        <translation>der Ordner %1 kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>cannot write %1 (%2)</source>
        <translation>%1 kann nicht geschrieben werden (%2)</translation>
    </message>
    <message>
        <source>no permission</source>
        <translation>keine Berechtigung</translation>
    </message>
    <message>
        <source>format error</source>
        <translation>Formatfehler</translation>
    </message>
    <message>
        <source>&quot;%1&quot; cannot be a tunnel name</source>
        <translation>„%1“ kann kein Tunnelname sein</translation>
    </message>
    <message>
        <source>%1 cannot be set for one tunnel</source>
        <translation>%1 lässt sich nicht für einen einzelnen Tunnel festlegen</translation>
    </message>
</context>
<context>
    <name>telephone::CurlCommand</name>
    <message>
        <source>Only the first %1 of %2 bytes of the request body were captured: this command sends that part only.</source>
        <translation>Nur die ersten %1 von %2 Bytes des Anfrage-Inhalts wurden aufgezeichnet: Dieser Befehl sendet nur diesen Teil.</translation>
    </message>
    <message>
        <source>Left out (credentials): %1. Add them with --header if needed.</source>
        <translation>Weggelassen (Zugangsdaten): %1. Bei Bedarf mit --header ergänzen.</translation>
    </message>
</context>
<context>
    <name>telephone::DesktopShell</name>
    <message>
        <source>Telephone keeps running</source>
        <translation>Telephone läuft weiter</translation>
    </message>
    <message>
        <source>The tunnel stays open in the tray. Quit from the tray menu to stop it.</source>
        <translation>Der Tunnel bleibt im Tray offen. Zum Beenden „Beenden“ im Tray-Menü wählen.</translation>
    </message>
    <message>
        <source>Token for %1 — Telephone</source>
        <translation>Token für %1 — Telephone</translation>
    </message>
</context>
<context>
    <name>telephone::ExchangeDetailView</name>
    <message>
        <source>Request</source>
        <translation>Anfrage</translation>
    </message>
    <message>
        <source>Response</source>
        <translation>Antwort</translation>
    </message>
    <message>
        <source>Header</source>
        <translation>Header</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Select a request to see it in full.</source>
        <translation>Wählen Sie eine Anfrage aus, um sie vollständig zu sehen.</translation>
    </message>
    <message>
        <source>waiting for the backend</source>
        <translation>wartet auf das Backend</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>keine Antwort</translation>
    </message>
    <message>
        <source>replayed from the inspector</source>
        <translation>aus dem Inspektor erneut gesendet</translation>
    </message>
    <message>
        <source>Telephone answered this request itself: %1</source>
        <translation>Telephone hat diese Anfrage selbst beantwortet: %1</translation>
    </message>
    <message>
        <source>No response yet</source>
        <translation>Noch keine Antwort</translation>
    </message>
    <message>
        <source>Truncated: only the first %1 of %2 were captured.</source>
        <translation>Gekürzt: Nur die ersten %1 von %2 wurden aufgezeichnet.</translation>
    </message>
    <message>
        <source>[%1 of binary data]</source>
        <translation>[%1 Binärdaten]</translation>
    </message>
    <message>
        <source>[… cut: %1 of %2 captured]</source>
        <translation>[… gekürzt: %1 von %2 aufgezeichnet]</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <source>Raw</source>
        <translation>Roh</translation>
    </message>
    <message>
        <source>Save body…</source>
        <translation>Inhalt speichern …</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>Query</translation>
    </message>
    <message>
        <source>Form (application/x-www-form-urlencoded body)</source>
        <translation>Formular (Inhalt application/x-www-form-urlencoded)</translation>
    </message>
    <message>
        <source>Received %1</source>
        <translation>Empfangen %1</translation>
    </message>
    <message>
        <source>answered %1 (+%2)</source>
        <translation>beantwortet %1 (+%2)</translation>
    </message>
    <message>
        <source>The backend answered %1; Telephone did not pass it on: %2</source>
        <translation>Das Backend hat %1 geantwortet; Telephone hat es nicht weitergegeben: %2</translation>
    </message>
    <message>
        <source>Backend sent</source>
        <translation>Vom Backend</translation>
    </message>
    <message>
        <source>Telephone answered this request in place of the backend&apos;s %1 (see Backend sent): %2</source>
        <translation>Telephone hat diese Anfrage an Stelle der Antwort %1 des Backends beantwortet (siehe „Vom Backend“): %2</translation>
    </message>
    <message>
        <source>(no response yet)</source>
        <translation>(noch keine Antwort)</translation>
    </message>
    <message>
        <source>(no answer: %1)</source>
        <translation>(keine Antwort: %1)</translation>
    </message>
    <message>
        <source>Formatting %1…</source>
        <translation>Formatiere %1 …</translation>
    </message>
    <message>
        <source>backend connection reused +%1</source>
        <translation>Backend-Verbindung wiederverwendet +%1</translation>
    </message>
    <message>
        <source>backend connected +%1</source>
        <translation>Backend verbunden +%1</translation>
    </message>
    <message>
        <source>first byte +%1</source>
        <translation>erstes Byte +%1</translation>
    </message>
    <message>
        <source>WebSocket refused: %1</source>
        <translation>WebSocket abgelehnt: %1</translation>
    </message>
    <message>
        <source>WebSocket open</source>
        <translation>WebSocket offen</translation>
    </message>
    <message>
        <source>WebSocket connecting</source>
        <translation>WebSocket verbindet</translation>
    </message>
    <message>
        <source>WebSocket closed after %1</source>
        <translation>WebSocket nach %1 geschlossen</translation>
    </message>
    <message>
        <source>Frames</source>
        <translation>Frames</translation>
    </message>
</context>
<context>
    <name>telephone::ExchangeModel</name>
    <message>
        <source>pending</source>
        <translation>ausstehend</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>keine Antwort</translation>
    </message>
    <message>
        <source>Answered by Telephone: %1</source>
        <translation>Von Telephone beantwortet: %1</translation>
    </message>
    <message>
        <source>Replayed from the inspector straight to the backend</source>
        <translation>Aus dem Inspektor direkt an das Backend erneut gesendet</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>Pfad</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Empfangen</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>verbindet</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>abgelehnt</translation>
    </message>
    <message>
        <source>open</source>
        <translation>offen</translation>
    </message>
    <message>
        <source>WebSocket: %1 frames sent, %2 received</source>
        <translation>WebSocket: %1 Frames gesendet, %2 empfangen</translation>
    </message>
    <message>
        <source>WebSocket refused: %1</source>
        <translation>WebSocket abgelehnt: %1</translation>
    </message>
    <message>
        <source>Tunnel</source>
        <translation>Tunnel</translation>
    </message>
</context>
<context>
    <name>telephone::FirstRunPage</name>
    <message>
        <source>Connect</source>
        <translation>Verbinden</translation>
    </message>
    <message>
        <source>Set up Telephone</source>
        <translation>Telephone einrichten</translation>
    </message>
    <message>
        <source>eyJ… (from Plugboard)</source>
        <translation>eyJ… (aus Plugboard)</translation>
    </message>
    <message>
        <source>3000 or http://127.0.0.1:3000</source>
        <translation>3000 oder http://127.0.0.1:3000</translation>
    </message>
    <message>
        <source>&lt;b&gt;Connect a local port to Plugboard&lt;/b&gt;&lt;br&gt;Three things, once. They are kept for the next start; the token is stored encrypted.</source>
        <translation>&lt;b&gt;Einen lokalen Port mit Plugboard verbinden&lt;/b&gt;&lt;br&gt;Drei Angaben, einmalig. Sie bleiben für den nächsten Start; das Token wird verschlüsselt gespeichert.</translation>
    </message>
    <message>
        <source>Server:</source>
        <translation>Server:</translation>
    </message>
    <message>
        <source>Token:</source>
        <translation>Token:</translation>
    </message>
    <message>
        <source>Local port or URL:</source>
        <translation>Lokaler Port oder URL:</translation>
    </message>
    <message>
        <source>The Plugboard server&apos;s address, e.g. wss://plugboard.example</source>
        <translation>Die Adresse des Plugboard-Servers, z. B. wss://plugboard.example</translation>
    </message>
    <message>
        <source>Connects to %1</source>
        <translation>Verbindet mit %1</translation>
    </message>
    <message>
        <source>Paste the token Plugboard gave you for your mount.</source>
        <translation>Fügen Sie das Token ein, das Plugboard Ihnen für Ihren Mount gegeben hat.</translation>
    </message>
    <message>
        <source>Mount %1 · issued %2 · %3</source>
        <translation>Mount %1 · ausgestellt %2 · %3</translation>
    </message>
    <message>
        <source>Where your app listens on this computer: a port number or a URL.</source>
        <translation>Wo Ihre App auf diesem Rechner lauscht: eine Portnummer oder eine URL.</translation>
    </message>
    <message>
        <source>Requests go to %1</source>
        <translation>Anfragen gehen an %1</translation>
    </message>
    <message>
        <source>Checking that something answers at %1…</source>
        <translation>Prüfe, ob unter %1 etwas antwortet …</translation>
    </message>
    <message>
        <source>Nothing answers at %1 (%2). Start your app and press Connect again, or connect anyway.</source>
        <translation>Unter %1 antwortet nichts (%2). Starten Sie Ihre App und drücken Sie erneut Verbinden, oder verbinden Sie trotzdem.</translation>
    </message>
    <message>
        <source>Connect anyway</source>
        <translation>Trotzdem verbinden</translation>
    </message>
    <message>
        <source>Could not save the settings: %1</source>
        <translation>Die Einstellungen konnten nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <source>Saved. Connecting…</source>
        <translation>Gespeichert. Verbinde …</translation>
    </message>
</context>
<context>
    <name>telephone::HumanText</name>
    <message>
        <source>Disconnected</source>
        <translation>Getrennt</translation>
    </message>
    <message>
        <source>Connecting</source>
        <translation>Verbinde</translation>
    </message>
    <message>
        <source>Joining</source>
        <translation>Trete bei</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <source>Reconnecting</source>
        <translation>Verbinde erneut</translation>
    </message>
    <message>
        <source>Token refused</source>
        <translation>Token abgelehnt</translation>
    </message>
    <message>
        <source>Configuration refused</source>
        <translation>Konfiguration abgelehnt</translation>
    </message>
    <message>
        <source>Stopping</source>
        <translation>Beende</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 Min.</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 Std. %2 Min.</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 Std.</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 T. %2 Std.</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1 T.</translation>
    </message>
    <message>
        <source>does not expire</source>
        <translation>läuft nicht ab</translation>
    </message>
    <message>
        <source>expired %1 ago</source>
        <translation>vor %1 abgelaufen</translation>
    </message>
    <message>
        <source>expires in %1</source>
        <translation>läuft in %1 ab</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 Min. %2 s</translation>
    </message>
    <message>
        <source>No token yet</source>
        <translation>Noch kein Token</translation>
    </message>
    <message>
        <source>Token unusable: %1</source>
        <translation>Token unbrauchbar: %1</translation>
    </message>
    <message>
        <source>Token expired at %1</source>
        <translation>Token abgelaufen um %1</translation>
    </message>
    <message>
        <source>Token refused by the server: %1</source>
        <translation>Token vom Server abgelehnt: %1</translation>
    </message>
    <message>
        <source>paste the token Plugboard gave you for your mount</source>
        <translation>fügen Sie das Token ein, das Plugboard Ihnen für Ihren Mount gegeben hat</translation>
    </message>
    <message>
        <source>get a new token from Plugboard and paste it</source>
        <translation>holen Sie ein neues Token aus Plugboard und fügen Sie es ein</translation>
    </message>
    <message>
        <source>paste a new token</source>
        <translation>fügen Sie ein neues Token ein</translation>
    </message>
    <message>
        <source>Paste token…</source>
        <translation>Token einfügen …</translation>
    </message>
    <message>
        <source>connecting to %1</source>
        <translation>verbinde mit %1</translation>
    </message>
    <message>
        <source>joining %1</source>
        <translation>trete %1 bei</translation>
    </message>
    <message>
        <source>joined; serving mount %1 from %2</source>
        <translation>beigetreten; stellt Mount %1 von %2 bereit</translation>
    </message>
    <message>
        <source>no join reply within %1 s</source>
        <translation>keine Antwort auf den Beitritt innerhalb von %1 s</translation>
    </message>
    <message>
        <source>the server refused the join: %1</source>
        <translation>der Server hat den Beitritt abgelehnt: %1</translation>
    </message>
    <message>
        <source>the server-side channel crashed (phx_error)</source>
        <translation>der Kanal auf dem Server ist abgestürzt (phx_error)</translation>
    </message>
    <message>
        <source>the server closed the channel (phx_close)</source>
        <translation>der Server hat den Kanal geschlossen (phx_close)</translation>
    </message>
    <message>
        <source>next try in %1 s</source>
        <translation>nächster Versuch in %1 s</translation>
    </message>
    <message>
        <source>rejoining on the same connection; next try in %1 s</source>
        <translation>tritt auf derselben Verbindung erneut bei; nächster Versuch in %1 s</translation>
    </message>
    <message>
        <source>the server %1 has no Telephone socket: it answered HTTP 404 at both paths tried (%2); check the server address, or give the socket&apos;s full path if it is somewhere else</source>
        <translation>der Server %1 hat keinen Telephone-Socket: Er antwortete HTTP 404 auf beiden versuchten Pfaden (%2); prüfen Sie die Serveradresse oder geben Sie den vollständigen Pfad des Sockets an, falls er woanders liegt</translation>
    </message>
    <message>
        <source>the server says this token does not belong to mount %1 (path_id_mismatch): get a token for the mount you want to serve</source>
        <translation>laut Server gehört dieses Token nicht zu Mount %1 (path_id_mismatch): Holen Sie ein Token für den Mount, den Sie bereitstellen wollen</translation>
    </message>
    <message>
        <source>the server refused the token (HTTP %1): it is invalid, expired or revoked</source>
        <translation>der Server hat das Token abgelehnt (HTTP %1): Es ist ungültig, abgelaufen oder widerrufen</translation>
    </message>
    <message>
        <source>the server refused to refresh the token: %1</source>
        <translation>der Server hat die Erneuerung des Tokens abgelehnt: %1</translation>
    </message>
    <message>
        <source>no token yet: paste one</source>
        <translation>noch kein Token: Fügen Sie eines ein</translation>
    </message>
    <message>
        <source>the token cannot be used: %1</source>
        <translation>das Token ist nicht verwendbar: %1</translation>
    </message>
    <message>
        <source>the token expired at %1: get a new one</source>
        <translation>das Token ist am %1 abgelaufen: Holen Sie ein neues</translation>
    </message>
    <message>
        <source>waiting for a new token</source>
        <translation>wartet auf ein neues Token</translation>
    </message>
    <message>
        <source>waiting for a new token; trying this one again in %1 s</source>
        <translation>wartet auf ein neues Token; versucht dieses erneut in %1 s</translation>
    </message>
    <message>
        <source>waiting %1 s to ask the server&apos;s token vending again (at most once a minute)</source>
        <translation>wartet %1 s, bevor die Token-Ausgabe des Servers erneut gefragt wird (höchstens einmal pro Minute)</translation>
    </message>
    <message>
        <source>asking the server&apos;s token vending for a token (service-account key %1)</source>
        <translation>fragt die Token-Ausgabe des Servers nach einem Token (Dienstkonto-Schlüssel %1)</translation>
    </message>
    <message numerus="yes">
        <source>stopping; %n request(s) in flight</source>
        <translation>
            <numerusform>hält an; %n Anfrage in Bearbeitung</numerusform>
            <numerusform>hält an; %n Anfragen in Bearbeitung</numerusform>
        </translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>angehalten</translation>
    </message>
    <message>
        <source>the server refused the join without a reason</source>
        <translation>der Server hat den Beitritt ohne Begründung abgelehnt</translation>
    </message>
    <message>
        <source>a newer token for this mount (issued %1) is already in use; this one was issued %2</source>
        <translation>für diesen Mount ist schon ein neueres Token in Gebrauch (ausgestellt %1); dieses wurde %2 ausgestellt</translation>
    </message>
    <message>
        <source>the token that token vending sent cannot be used</source>
        <translation>das Token von der Token-Ausgabe ist nicht verwendbar</translation>
    </message>
    <message>
        <source>asking again in %1 s</source>
        <translation>neue Anfrage in %1 s</translation>
    </message>
    <message>
        <source>give a new service-account key</source>
        <translation>geben Sie einen neuen Dienstkonto-Schlüssel an</translation>
    </message>
    <message>
        <source>trying the key again in %1 s, or give a new one</source>
        <translation>versucht den Schlüssel erneut in %1 s, oder geben Sie einen neuen an</translation>
    </message>
    <message>
        <source>%1 (the server says: %2)</source>
        <translation>%1 (der Server sagt: %2)</translation>
    </message>
    <message>
        <source>could not connect to the server</source>
        <translation>keine Verbindung zum Server möglich</translation>
    </message>
    <message>
        <source>%1 refused the connection on port %2</source>
        <translation>%1 hat die Verbindung auf Port %2 abgewiesen</translation>
    </message>
    <message>
        <source>the server name %1 was not found</source>
        <translation>der Servername %1 wurde nicht gefunden</translation>
    </message>
    <message>
        <source>the network connection timed out</source>
        <translation>Zeitüberschreitung der Netzwerkverbindung</translation>
    </message>
    <message>
        <source>the network is unreachable</source>
        <translation>das Netzwerk ist nicht erreichbar</translation>
    </message>
    <message>
        <source>the secure connection (TLS) to the server failed: %1</source>
        <translation>die sichere Verbindung (TLS) zum Server ist gescheitert: %1</translation>
    </message>
    <message>
        <source>network error: %1</source>
        <translation>Netzwerkfehler: %1</translation>
    </message>
    <message>
        <source>the server did not accept the WebSocket within %1 s</source>
        <translation>der Server hat den WebSocket nicht innerhalb von %1 s angenommen</translation>
    </message>
    <message>
        <source>the server&apos;s answer to the WebSocket request is too large</source>
        <translation>die Antwort des Servers auf die WebSocket-Anfrage ist zu groß</translation>
    </message>
    <message>
        <source>the server refused the connection (HTTP %1)</source>
        <translation>der Server hat die Verbindung abgewiesen (HTTP %1)</translation>
    </message>
    <message>
        <source>the server did not answer the WebSocket request with HTTP</source>
        <translation>der Server hat auf die WebSocket-Anfrage nicht mit HTTP geantwortet</translation>
    </message>
    <message>
        <source>the server&apos;s answer is not a valid WebSocket handshake</source>
        <translation>die Antwort des Servers ist kein gültiger WebSocket-Handshake</translation>
    </message>
    <message>
        <source>the server has not read anything for %1 s; the connection is taken for dead</source>
        <translation>der Server hat seit %1 s nichts gelesen; die Verbindung gilt als tot</translation>
    </message>
    <message>
        <source>the server did not finish closing the connection within %1 s</source>
        <translation>der Server hat das Schließen der Verbindung nicht innerhalb von %1 s abgeschlossen</translation>
    </message>
    <message>
        <source>the server broke the WebSocket protocol</source>
        <translation>der Server hat gegen das WebSocket-Protokoll verstoßen</translation>
    </message>
    <message>
        <source>Telephone dropped the connection</source>
        <translation>Telephone hat die Verbindung getrennt</translation>
    </message>
    <message>
        <source>the server closed the connection without saying why</source>
        <translation>der Server hat die Verbindung ohne Begründung beendet</translation>
    </message>
    <message>
        <source>the server closed the connection (code %1)</source>
        <translation>der Server hat die Verbindung beendet (Code %1)</translation>
    </message>
    <message>
        <source>the server closed the connection: %1 (code %2)</source>
        <translation>der Server hat die Verbindung beendet: %1 (Code %2)</translation>
    </message>
    <message>
        <source>the connection was lost</source>
        <translation>die Verbindung ist abgerissen</translation>
    </message>
    <message>
        <source>no answer from the server within %1 s after waking up</source>
        <translation>nach dem Aufwachen keine Antwort vom Server innerhalb von %1 s</translation>
    </message>
    <message>
        <source>nothing heard from the server for %1 s (heartbeat every %2 s)</source>
        <translation>seit %1 s nichts vom Server gehört (Heartbeat alle %2 s)</translation>
    </message>
    <message>
        <source>the token is empty</source>
        <translation>das Token ist leer</translation>
    </message>
    <message>
        <source>this is not a token (a token has three parts separated by dots, this has %1)</source>
        <translation>das ist kein Token (ein Token hat drei durch Punkte getrennte Teile, dieses hat %1)</translation>
    </message>
    <message>
        <source>the token contains characters that do not belong in a token</source>
        <translation>das Token enthält Zeichen, die nicht in ein Token gehören</translation>
    </message>
    <message>
        <source>the token&apos;s middle part is damaged; copy the whole token again</source>
        <translation>der mittlere Teil des Tokens ist beschädigt; kopieren Sie das ganze Token noch einmal</translation>
    </message>
    <message>
        <source>the token&apos;s &quot;%1&quot; time is not a whole number of seconds</source>
        <translation>die Zeitangabe „%1“ des Tokens ist keine ganze Zahl von Sekunden</translation>
    </message>
    <message>
        <source>the token names no mount (it has no &quot;path_id&quot;)</source>
        <translation>das Token nennt keinen Mount (es hat keine „path_id“)</translation>
    </message>
    <message>
        <source>token vending at %1 cannot be reached: %2</source>
        <translation>die Token-Ausgabe unter %1 ist nicht erreichbar: %2</translation>
    </message>
    <message>
        <source>token vending answered HTTP %1 with far more than a token</source>
        <translation>die Token-Ausgabe antwortete HTTP %1 mit weit mehr als einem Token</translation>
    </message>
    <message>
        <source>token vending answered without a token</source>
        <translation>die Token-Ausgabe antwortete ohne Token</translation>
    </message>
    <message>
        <source>token vending sent a token that cannot be used</source>
        <translation>die Token-Ausgabe schickte ein unbrauchbares Token</translation>
    </message>
    <message>
        <source>token vending sent a token for mount %1 when %2 was asked for; it is not used</source>
        <translation>die Token-Ausgabe schickte ein Token für Mount %1, erbeten war %2; es wird nicht verwendet</translation>
    </message>
    <message>
        <source>the service-account key %1 is invalid or revoked</source>
        <translation>der Dienstkonto-Schlüssel %1 ist ungültig oder widerrufen</translation>
    </message>
    <message>
        <source>this service account may not serve mount %1</source>
        <translation>dieses Dienstkonto darf Mount %1 nicht bereitstellen</translation>
    </message>
    <message>
        <source>this service account may not serve mount %1: it is bound to mount %2 (serve that one, or use the key of an account bound to %1)</source>
        <translation>dieses Dienstkonto darf Mount %1 nicht bereitstellen: Es ist an Mount %2 gebunden (stellen Sie diesen bereit, oder nehmen Sie den Schlüssel eines an %1 gebundenen Kontos)</translation>
    </message>
    <message>
        <source>token vending refused the request (HTTP 422)</source>
        <translation>die Token-Ausgabe hat die Anfrage abgelehnt (HTTP 422)</translation>
    </message>
    <message>
        <source>this server does not seem to offer token vending (HTTP 404)</source>
        <translation>dieser Server bietet offenbar keine Token-Ausgabe an (HTTP 404)</translation>
    </message>
    <message>
        <source>token vending answered HTTP %1</source>
        <translation>die Token-Ausgabe antwortete HTTP %1</translation>
    </message>
    <message>
        <source>the server&apos;s certificate for %1 is not trusted (self-signed or from an unknown authority)</source>
        <translation>dem Zertifikat des Servers für %1 wird nicht vertraut (selbst signiert oder von einer unbekannten Stelle)</translation>
    </message>
    <message>
        <source>the server&apos;s certificate for %1 has expired</source>
        <translation>das Zertifikat des Servers für %1 ist abgelaufen</translation>
    </message>
    <message>
        <source>the server&apos;s certificate is not for %1</source>
        <translation>das Zertifikat des Servers gilt nicht für %1</translation>
    </message>
    <message>
        <source>token vending at %1 refused the connection</source>
        <translation>die Token-Ausgabe unter %1 hat die Verbindung abgewiesen</translation>
    </message>
    <message>
        <source>token vending at %1 cannot be reached: the host was not found</source>
        <translation>die Token-Ausgabe unter %1 ist nicht erreichbar: Der Rechner wurde nicht gefunden</translation>
    </message>
    <message>
        <source>invalid request: no usable request ID</source>
        <translation>ungültige Anfrage: keine brauchbare Anfrage-ID</translation>
    </message>
    <message>
        <source>invalid request: the request ID is longer than %1 characters</source>
        <translation>ungültige Anfrage: die Anfrage-ID ist länger als %1 Zeichen</translation>
    </message>
    <message>
        <source>invalid request: the request ID contains a space, control or non-ASCII character</source>
        <translation>ungültige Anfrage: die Anfrage-ID enthält ein Leer-, Steuer- oder Nicht-ASCII-Zeichen</translation>
    </message>
    <message>
        <source>invalid request: the method is not an HTTP token</source>
        <translation>ungültige Anfrage: die Methode ist kein HTTP-Token</translation>
    </message>
    <message>
        <source>CONNECT cannot be passed to a backend</source>
        <translation>CONNECT kann nicht an ein Backend weitergegeben werden</translation>
    </message>
    <message>
        <source>invalid request: the path is missing</source>
        <translation>ungültige Anfrage: der Pfad fehlt</translation>
    </message>
    <message>
        <source>invalid request: the path does not start with &apos;/&apos;</source>
        <translation>ungültige Anfrage: der Pfad beginnt nicht mit &apos;/&apos;</translation>
    </message>
    <message>
        <source>invalid request: the path starts with &apos;//&apos;, which names another host</source>
        <translation>ungültige Anfrage: der Pfad beginnt mit &apos;//&apos; und nennt damit einen anderen Host</translation>
    </message>
    <message>
        <source>invalid request: the path is longer than %1 bytes</source>
        <translation>ungültige Anfrage: der Pfad ist länger als %1 Bytes</translation>
    </message>
    <message>
        <source>invalid request: the path has a &apos;.&apos; or &apos;..&apos; segment, which could leave the backend&apos;s base path</source>
        <translation>ungültige Anfrage: der Pfad enthält ein Segment &apos;.&apos; oder &apos;..&apos;, das den Basispfad des Backends verlassen könnte</translation>
    </message>
    <message>
        <source>invalid request: the query is not a string</source>
        <translation>ungültige Anfrage: die Query ist kein Text</translation>
    </message>
    <message>
        <source>invalid request: the query is longer than %1 bytes</source>
        <translation>ungültige Anfrage: die Query ist länger als %1 Bytes</translation>
    </message>
    <message>
        <source>invalid request: the headers are not an object</source>
        <translation>ungültige Anfrage: die Header sind kein Objekt</translation>
    </message>
    <message>
        <source>too many request headers (%1, at most %2)</source>
        <translation>zu viele Header in der Anfrage (%1, höchstens %2)</translation>
    </message>
    <message>
        <source>invalid request: a header name is not an HTTP token</source>
        <translation>ungültige Anfrage: ein Header-Name ist kein HTTP-Token</translation>
    </message>
    <message>
        <source>invalid request: header %1 has a value that is not text</source>
        <translation>ungültige Anfrage: Header %1 hat einen Wert, der kein Text ist</translation>
    </message>
    <message>
        <source>invalid request: header %1 contains a control character</source>
        <translation>ungültige Anfrage: Header %1 enthält ein Steuerzeichen</translation>
    </message>
    <message>
        <source>the request headers are larger than %1 bytes</source>
        <translation>die Header der Anfrage sind größer als %1 Bytes</translation>
    </message>
    <message>
        <source>invalid request: the body is not a string</source>
        <translation>ungültige Anfrage: der Body ist kein Text</translation>
    </message>
    <message>
        <source>invalid request: the body is not valid base64</source>
        <translation>ungültige Anfrage: der Body ist kein gültiges Base64</translation>
    </message>
    <message>
        <source>the request body is larger than %1 bytes</source>
        <translation>der Body der Anfrage ist größer als %1 Bytes</translation>
    </message>
    <message>
        <source>Telephone is shutting down and takes no new requests</source>
        <translation>Telephone wird beendet und nimmt keine neuen Anfragen an</translation>
    </message>
    <message>
        <source>Telephone is at its limit of %1 requests at once</source>
        <translation>Telephone ist an seiner Grenze von %1 gleichzeitigen Anfragen</translation>
    </message>
    <message>
        <source>the backend %1 refused the connection (is it running?)</source>
        <translation>das Backend %1 hat die Verbindung abgelehnt (läuft es?)</translation>
    </message>
    <message>
        <source>the backend %1 did not answer within %2 s</source>
        <translation>das Backend %1 hat nicht innerhalb von %2 s geantwortet</translation>
    </message>
    <message>
        <source>the backend %1 sent a response that is too large</source>
        <translation>das Backend %1 hat eine zu große Antwort geschickt</translation>
    </message>
    <message>
        <source>the backend %1 sent an invalid response: %2</source>
        <translation>das Backend %1 hat eine ungültige Antwort geschickt: %2</translation>
    </message>
    <message>
        <source>the connection to the backend %1 was reset</source>
        <translation>die Verbindung zum Backend %1 wurde zurückgesetzt</translation>
    </message>
    <message>
        <source>the connection to the backend %1 was reset: %2</source>
        <translation>die Verbindung zum Backend %1 wurde zurückgesetzt: %2</translation>
    </message>
    <message>
        <source>the backend %1 cannot be reached: the host %2 was not found</source>
        <translation>das Backend %1 ist nicht erreichbar: der Host %2 wurde nicht gefunden</translation>
    </message>
    <message>
        <source>the backend sent header %1 with bytes that are not UTF-8, which the server cannot carry</source>
        <translation>das Backend hat den Header %1 mit Bytes geschickt, die kein UTF-8 sind; der Server kann sie nicht übertragen</translation>
    </message>
    <message>
        <source>the backend answered %1 with a binary body of %2 bytes, which this server cannot carry; nothing was sent rather than altered bytes</source>
        <translation>das Backend antwortete %1 mit einem binären Body von %2 Bytes, den dieser Server nicht übertragen kann; lieber nichts gesendet als veränderte Bytes</translation>
    </message>
    <message>
        <source>the backend&apos;s %1 body decompresses to more than the maximum response size (%2 bytes)</source>
        <translation>der %1-Body des Backends ist entpackt größer als die höchste Antwortgröße (%2 Bytes)</translation>
    </message>
    <message>
        <source>the request body was cut at %1 bytes for display, so a replay would not send the same request</source>
        <translation>der Body der Anfrage wurde für die Anzeige bei %1 Bytes abgeschnitten; eine Wiederholung wäre nicht dieselbe Anfrage</translation>
    </message>
    <message>
        <source>this request cannot be replayed: %1</source>
        <translation>diese Anfrage kann nicht wiederholt werden: %1</translation>
    </message>
    <message>
        <source>the connection was refused</source>
        <translation>die Verbindung wurde abgelehnt</translation>
    </message>
    <message>
        <source>the host was not found</source>
        <translation>der Rechner wurde nicht gefunden</translation>
    </message>
    <message>
        <source>the other side closed the connection</source>
        <translation>die Gegenseite hat die Verbindung beendet</translation>
    </message>
    <message>
        <source>the network operation timed out</source>
        <translation>der Netzwerkvorgang hat zu lange gedauert</translation>
    </message>
    <message>
        <source>the secure connection (TLS) failed</source>
        <translation>die sichere Verbindung (TLS) ist gescheitert</translation>
    </message>
    <message>
        <source>the operating system did not allow the connection</source>
        <translation>das Betriebssystem hat die Verbindung nicht erlaubt</translation>
    </message>
    <message>
        <source>the system has no resources left for another connection</source>
        <translation>dem System fehlen die Mittel für eine weitere Verbindung</translation>
    </message>
    <message>
        <source>the network proxy failed</source>
        <translation>der Netzwerk-Proxy ist gescheitert</translation>
    </message>
    <message>
        <source>the response is larger than %1 bytes</source>
        <translation>die Antwort ist größer als %1 Bytes</translation>
    </message>
    <message>
        <source>the response is larger than %1 bytes (Content-Length %2)</source>
        <translation>die Antwort ist größer als %1 Bytes (Content-Length %2)</translation>
    </message>
    <message>
        <source>the response headers are larger than %1 bytes</source>
        <translation>die Kopfzeilen der Antwort sind größer als %1 Bytes</translation>
    </message>
    <message>
        <source>it is not HTTP/1.x</source>
        <translation>sie ist kein HTTP/1.x</translation>
    </message>
    <message>
        <source>its status line is invalid</source>
        <translation>ihre Statuszeile ist ungültig</translation>
    </message>
    <message>
        <source>its status %1 is outside HTTP&apos;s 100-599</source>
        <translation>ihr Status %1 liegt außerhalb von HTTPs 100–599</translation>
    </message>
    <message>
        <source>it has an obsolete folded header line</source>
        <translation>sie enthält eine veraltete gefaltete Kopfzeile</translation>
    </message>
    <message>
        <source>it has a malformed header line</source>
        <translation>sie enthält eine fehlerhafte Kopfzeile</translation>
    </message>
    <message>
        <source>a header name has invalid characters</source>
        <translation>ein Header-Name enthält ungültige Zeichen</translation>
    </message>
    <message>
        <source>the value of header %1 contains a control character</source>
        <translation>der Wert des Headers %1 enthält ein Steuerzeichen</translation>
    </message>
    <message>
        <source>it switches protocols, which a passed-on request cannot do</source>
        <translation>sie wechselt das Protokoll, was bei einer weitergereichten Anfrage nicht geht</translation>
    </message>
    <message>
        <source>its Content-Length is invalid or conflicting (%1)</source>
        <translation>ihre Content-Length ist ungültig oder widersprüchlich (%1)</translation>
    </message>
    <message>
        <source>it is HTTP/1.0 with Transfer-Encoding</source>
        <translation>sie ist HTTP/1.0 mit Transfer-Encoding</translation>
    </message>
    <message>
        <source>a chunk line is too long</source>
        <translation>eine Chunk-Zeile ist zu lang</translation>
    </message>
    <message>
        <source>a chunk is malformed</source>
        <translation>ein Chunk ist fehlerhaft</translation>
    </message>
    <message>
        <source>a chunk size is invalid (%1)</source>
        <translation>eine Chunk-Größe ist ungültig (%1)</translation>
    </message>
    <message>
        <source>the backend closed the connection in the middle of the response</source>
        <translation>das Backend hat die Verbindung mitten in der Antwort beendet</translation>
    </message>
    <message>
        <source>the backend closed the connection without answering</source>
        <translation>das Backend hat die Verbindung ohne Antwort beendet</translation>
    </message>
    <message>
        <source>Telephone is stopping and takes no new WebSocket connections</source>
        <translation>Telephone wird beendet und nimmt keine neuen WebSocket-Verbindungen an</translation>
    </message>
    <message>
        <source>Telephone closed it: the tunnel stopped or lost its channel</source>
        <translation>Telephone hat sie geschlossen: der Tunnel wurde beendet oder hat seinen Kanal verloren</translation>
    </message>
    <message>
        <source>Telephone&apos;s buffer for this connection is full</source>
        <translation>Telephones Puffer für diese Verbindung ist voll</translation>
    </message>
    <message>
        <source>the backend is not reading: %1 bytes wait, more than the WebSocket buffer allows</source>
        <translation>das Backend liest nicht: %1 Bytes warten, mehr als der WebSocket-Puffer erlaubt</translation>
    </message>
    <message>
        <source>the server is not taking this WebSocket&apos;s messages: %1 bytes would wait, more than the WebSocket buffer of %2 bytes</source>
        <translation>der Server nimmt die Nachrichten dieses WebSockets nicht an: %1 Bytes würden warten, mehr als der WebSocket-Puffer von %2 Bytes</translation>
    </message>
    <message>
        <source>the browser sent more frames than the WebSocket buffer holds before the backend accepted the connection</source>
        <translation>der Browser hat mehr Frames gesendet, als der WebSocket-Puffer fasst, bevor das Backend die Verbindung angenommen hat</translation>
    </message>
    <message>
        <source>the backend did not accept the WebSocket within %1 s</source>
        <translation>das Backend hat den WebSocket nicht binnen %1 s angenommen</translation>
    </message>
    <message>
        <source>the backend cannot be reached: %1</source>
        <translation>das Backend ist nicht erreichbar: %1</translation>
    </message>
    <message>
        <source>the backend&apos;s answer to the WebSocket request is too large</source>
        <translation>die Antwort des Backends auf die WebSocket-Anfrage ist zu groß</translation>
    </message>
    <message>
        <source>the backend refused the WebSocket: HTTP %1</source>
        <translation>das Backend hat den WebSocket abgelehnt: HTTP %1</translation>
    </message>
    <message>
        <source>the backend did not answer the WebSocket request with HTTP</source>
        <translation>das Backend hat auf die WebSocket-Anfrage nicht mit HTTP geantwortet</translation>
    </message>
    <message>
        <source>the backend&apos;s answer is not a valid WebSocket handshake</source>
        <translation>die Antwort des Backends ist kein gültiger WebSocket-Handshake</translation>
    </message>
    <message>
        <source>the backend chose a WebSocket extension that was not offered</source>
        <translation>das Backend hat eine WebSocket-Erweiterung gewählt, die nicht angeboten wurde</translation>
    </message>
    <message>
        <source>the backend closed the connection before accepting the WebSocket</source>
        <translation>das Backend hat die Verbindung beendet, bevor es den WebSocket angenommen hat</translation>
    </message>
    <message>
        <source>the backend closed the connection without saying why</source>
        <translation>das Backend hat die Verbindung ohne Begründung beendet</translation>
    </message>
    <message>
        <source>the connection to the backend was lost: %1</source>
        <translation>die Verbindung zum Backend ist abgebrochen: %1</translation>
    </message>
    <message>
        <source>the backend broke the WebSocket protocol</source>
        <translation>das Backend hat gegen das WebSocket-Protokoll verstoßen</translation>
    </message>
    <message>
        <source>the backend sent a WebSocket message larger than %1 bytes</source>
        <translation>das Backend hat eine WebSocket-Nachricht über %1 Bytes gesendet</translation>
    </message>
    <message>
        <source>access was denied (is the keychain locked?)</source>
        <translation>der Zugriff wurde verweigert (ist der Schlüsselbund gesperrt?)</translation>
    </message>
    <message>
        <source>no keychain service is available</source>
        <translation>es ist kein Schlüsselbund-Dienst verfügbar</translation>
    </message>
    <message>
        <source>this system has no keychain support</source>
        <translation>dieses System unterstützt keinen Schlüsselbund</translation>
    </message>
    <message>
        <source>the keychain reported an error</source>
        <translation>der Schlüsselbund hat einen Fehler gemeldet</translation>
    </message>
    <message>
        <source>no answer within %1 s (locked, and waiting for a password prompt nobody sees?)</source>
        <translation>keine Antwort binnen %1 s (gesperrt, und die Passwortabfrage sieht niemand?)</translation>
    </message>
    <message>
        <source>there is no D-Bus session bus, so no Secret Service can answer (is this a desktop session?)</source>
        <translation>es gibt keinen D-Bus-Sitzungsbus, also kann kein Secret Service antworten (ist das eine Desktop-Sitzung?)</translation>
    </message>
    <message>
        <source>the keychain is busy with another request</source>
        <translation>der Schlüsselbund ist mit einer anderen Anfrage beschäftigt</translation>
    </message>
    <message>
        <source>the service-account key is empty</source>
        <translation>der Dienstkonto-Schlüssel ist leer</translation>
    </message>
    <message>
        <source>the service-account key may contain only printable ASCII characters, no spaces</source>
        <translation>der Dienstkonto-Schlüssel darf nur druckbare ASCII-Zeichen enthalten, keine Leerzeichen</translation>
    </message>
    <message>
        <source>this is not a service-account key: Plugboard&apos;s keys start with &quot;%1&quot;</source>
        <translation>das ist kein Dienstkonto-Schlüssel: Plugboards Schlüssel beginnen mit „%1“</translation>
    </message>
</context>
<context>
    <name>telephone::MainWindow</name>
    <message>
        <source>Tunnel</source>
        <translation>Tunnel</translation>
    </message>
    <message>
        <source>Export HAR</source>
        <translation>HAR exportieren</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>Export selected as HAR…</source>
        <translation>Auswahl als HAR exportieren …</translation>
    </message>
    <message>
        <source>Export all as HAR…</source>
        <translation>Alle als HAR exportieren …</translation>
    </message>
    <message>
        <source>Include credentials in exports</source>
        <translation>Zugangsdaten in Exporte aufnehmen</translation>
    </message>
    <message>
        <source>Close window</source>
        <translation>Fenster schließen</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>&amp;Tunnel</source>
        <translation>&amp;Tunnel</translation>
    </message>
    <message>
        <source>Set token…</source>
        <translation>Token setzen …</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Einstellungen …</translation>
    </message>
    <message>
        <source>&amp;Requests</source>
        <translation>&amp;Anfragen</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>Erneut senden</translation>
    </message>
    <message>
        <source>Send the selected requests to the local backend again, from the captured bytes</source>
        <translation>Die ausgewählten Anfragen aus den aufgezeichneten Bytes erneut an das lokale Backend senden</translation>
    </message>
    <message>
        <source>Copy as curl</source>
        <translation>Als curl kopieren</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
    <message>
        <source>Select newest</source>
        <translation>Neueste auswählen</translation>
    </message>
    <message>
        <source>Telephone</source>
        <translation>Telephone</translation>
    </message>
    <message>
        <source>Telephone — %1</source>
        <translation>Telephone — %1</translation>
    </message>
    <message>
        <source>A selected request&apos;s body was not captured in full, so it cannot be replayed</source>
        <translation>Der Inhalt einer ausgewählten Anfrage wurde nicht vollständig aufgezeichnet, daher kann sie nicht erneut gesendet werden</translation>
    </message>
    <message>
        <source>history keeps the last %1 requests or %2</source>
        <translation>der Verlauf behält die letzten %1 Anfragen oder %2</translation>
    </message>
    <message>
        <source>older requests dropped: %1</source>
        <translation>ältere Anfragen verworfen: %1</translation>
    </message>
    <message>
        <source>Replaying %1 to %2</source>
        <translation>Sende %1 erneut an %2</translation>
    </message>
    <message>
        <source>curl command copied</source>
        <translation>curl-Befehl kopiert</translation>
    </message>
    <message>
        <source>Export as HAR</source>
        <translation>Als HAR exportieren</translation>
    </message>
    <message>
        <source>HAR files (*.har);;All files (*)</source>
        <translation>HAR-Dateien (*.har);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message numerus="yes">
        <source>%Ln request(s)</source>
        <translation>
            <numerusform>%Ln Anfrage</numerusform>
            <numerusform>%Ln Anfragen</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of %2 shown</source>
        <translation>%1 von %2 angezeigt</translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln request(s) to %1</source>
        <translation>
            <numerusform>%Ln Anfrage nach %1 exportiert</numerusform>
            <numerusform>%Ln Anfragen nach %1 exportiert</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln request(s) to %1 (credentials redacted)</source>
        <translation>
            <numerusform>%Ln Anfrage nach %1 exportiert (Zugangsdaten geschwärzt)</numerusform>
            <numerusform>%Ln Anfragen nach %1 exportiert (Zugangsdaten geschwärzt)</numerusform>
        </translation>
    </message>
    <message>
        <source>Authorization, Cookie and Set-Cookie values are replaced by [redacted] in HAR files and left out of curl commands unless this is on</source>
        <translation>Werte von Authorization, Cookie und Set-Cookie werden in HAR-Dateien durch [redacted] ersetzt und in curl-Befehlen weggelassen, außer dies ist eingeschaltet</translation>
    </message>
    <message>
        <source>Edit and replay…</source>
        <translation>Bearbeiten und erneut senden …</translation>
    </message>
    <message>
        <source>Change method, path, headers or body, send it, and compare the answers</source>
        <translation>Methode, Pfad, Header oder Inhalt ändern, senden und die Antworten vergleichen</translation>
    </message>
    <message>
        <source>Copy URL</source>
        <translation>URL kopieren</translation>
    </message>
    <message>
        <source>curl command copied (credentials left out)</source>
        <translation>curl-Befehl kopiert (ohne Zugangsdaten)</translation>
    </message>
    <message>
        <source>URL copied: %1</source>
        <translation>URL kopiert: %1</translation>
    </message>
    <message>
        <source>Save body</source>
        <translation>Inhalt speichern</translation>
    </message>
    <message>
        <source>Saved the %1 captured of %2 to %3</source>
        <translation>Die aufgezeichneten %1 von %2 in %3 gespeichert</translation>
    </message>
    <message>
        <source>Saved %1 to %2</source>
        <translation>%1 in %2 gespeichert</translation>
    </message>
    <message>
        <source>Tunnels</source>
        <translation>Tunnel</translation>
    </message>
    <message>
        <source>Replaying %1 to their tunnels&apos; backends</source>
        <translation>Sende %1 erneut an die Backends ihrer Tunnel</translation>
    </message>
</context>
<context>
    <name>telephone::Notifier</name>
    <message>
        <source>Token expiring soon</source>
        <translation>Token läuft bald ab</translation>
    </message>
    <message>
        <source>The token expires in %1 and could not be refreshed. Paste a new one from the tray menu.</source>
        <translation>Das Token läuft in %1 ab und konnte nicht erneuert werden. Fügen Sie über das Tray-Menü ein neues ein.</translation>
    </message>
    <message>
        <source>Token expired</source>
        <translation>Token abgelaufen</translation>
    </message>
    <message>
        <source>The token has expired. Telephone needs a new one to reconnect.</source>
        <translation>Das Token ist abgelaufen. Telephone braucht ein neues, um sich wieder zu verbinden.</translation>
    </message>
    <message>
        <source>Token refresh failed</source>
        <translation>Token-Erneuerung fehlgeschlagen</translation>
    </message>
    <message>
        <source>Telephone keeps trying. The server said: %1</source>
        <translation>Telephone versucht es weiter. Der Server meldete: %1</translation>
    </message>
    <message>
        <source>Reconnected</source>
        <translation>Wieder verbunden</translation>
    </message>
    <message>
        <source>Telephone is connected again and serving %1.</source>
        <translation>Telephone ist wieder verbunden und bedient %1.</translation>
    </message>
    <message>
        <source>Token refused</source>
        <translation>Token abgelehnt</translation>
    </message>
    <message>
        <source>Configuration refused</source>
        <translation>Konfiguration abgelehnt</translation>
    </message>
    <message>
        <source>Connection lost</source>
        <translation>Verbindung verloren</translation>
    </message>
    <message>
        <source>Telephone has not been connected for %1 and keeps trying: %2</source>
        <translation>Telephone ist seit %1 nicht verbunden und versucht es weiter: %2</translation>
    </message>
    <message>
        <source>Telephone keeps trying. The server gave no reason.</source>
        <translation>Telephone versucht es weiter. Der Server nannte keinen Grund.</translation>
    </message>
</context>
<context>
    <name>telephone::ReplayComparison</name>
    <message>
        <source>waiting…</source>
        <translation>wartet …</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>keine Antwort</translation>
    </message>
    <message>
        <source>Replay compared — Telephone</source>
        <translation>Vergleich der erneuten Sendung — Telephone</translation>
    </message>
    <message>
        <source>Original</source>
        <translation>Original</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>Erneut gesendet</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Original: %2 · Replay: %3</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Original: %2 · Erneut: %3</translation>
    </message>
    <message>
        <source>sending…</source>
        <translation>sendet …</translation>
    </message>
</context>
<context>
    <name>telephone::ReplayEditor</name>
    <message>
        <source>Edit and replay — Telephone</source>
        <translation>Bearbeiten und erneut senden — Telephone</translation>
    </message>
    <message>
        <source>The captured body is binary: it is sent unchanged.</source>
        <translation>Der aufgezeichnete Inhalt ist binär: Er wird unverändert gesendet.</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>Erneut gesendet</translation>
    </message>
    <message>
        <source>Method:</source>
        <translation>Methode:</translation>
    </message>
    <message>
        <source>Path:</source>
        <translation>Pfad:</translation>
    </message>
    <message>
        <source>Headers (Name: value, one a line):</source>
        <translation>Header (Name: Wert, einer pro Zeile):</translation>
    </message>
    <message>
        <source>Body:</source>
        <translation>Inhalt:</translation>
    </message>
    <message>
        <source>The method must be one word, such as GET.</source>
        <translation>Die Methode muss ein Wort sein, etwa GET.</translation>
    </message>
    <message>
        <source>The path must start with / and contain no spaces.</source>
        <translation>Der Pfad muss mit / beginnen und darf keine Leerzeichen enthalten.</translation>
    </message>
    <message>
        <source>This line is not a header (Name: value): %1</source>
        <translation>Diese Zeile ist kein Header (Name: Wert): %1</translation>
    </message>
</context>
<context>
    <name>telephone::RequestsView</name>
    <message>
        <source>Follow</source>
        <translation>Mitlaufen</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
    <message>
        <source>Filter: path, GET, 4xx, 404, pending, replay, error</source>
        <translation>Filter: Pfad, GET, 4xx, 404, pending, replay, error</translation>
    </message>
    <message>
        <source>Keep the newest request in view</source>
        <translation>Die neueste Anfrage im Blick behalten</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Rückgängig</translation>
    </message>
    <message>
        <source>Forget every captured request (can be undone for a few seconds)</source>
        <translation>Alle aufgezeichneten Anfragen vergessen (einige Sekunden lang rückgängig zu machen)</translation>
    </message>
    <message>
        <source>Follow paused while you read — scroll to the bottom to resume</source>
        <translation>Mitlaufen pausiert, während Sie lesen — nach unten scrollen, um fortzusetzen</translation>
    </message>
    <message>
        <source>Clear filter</source>
        <translation>Filter leeren</translation>
    </message>
    <message numerus="yes">
        <source>Cleared %Ln request(s).</source>
        <translation>
            <numerusform>%Ln Anfrage geleert.</numerusform>
            <numerusform>%Ln Anfragen geleert.</numerusform>
        </translation>
    </message>
    <message>
        <source>Show the requests of one tunnel (or type tunnel:NAME in the filter)</source>
        <translation>Nur die Anfragen eines Tunnels zeigen (oder tunnel:NAME in den Filter schreiben)</translation>
    </message>
    <message>
        <source>All tunnels</source>
        <translation>Alle Tunnel</translation>
    </message>
</context>
<context>
    <name>telephone::ServiceAccountKeyField</name>
    <message>
        <source>Store in keychain</source>
        <translation>Im Schlüsselbund speichern</translation>
    </message>
    <message>
        <source>Forget</source>
        <translation>Vergessen</translation>
    </message>
    <message>
        <source>The OS keychain did not answer as expected: %1</source>
        <translation>Der Schlüsselbund des Systems hat nicht wie erwartet geantwortet: %1</translation>
    </message>
    <message>
        <source>Looking in the OS keychain…</source>
        <translation>Suche im Schlüsselbund des Systems …</translation>
    </message>
    <message>
        <source>Stored in the OS keychain: %1. Telephone uses it from its next start to get tokens when it has none.</source>
        <translation>Im Schlüsselbund des Systems gespeichert: %1. Telephone holt sich damit ab dem nächsten Start Tokens, wenn es keine hat.</translation>
    </message>
    <message>
        <source>No service-account key is stored. With one, Telephone gets its own tokens from the server.</source>
        <translation>Kein Dienstkonto-Schlüssel gespeichert. Mit einem holt sich Telephone seine Tokens selbst vom Server.</translation>
    </message>
</context>
<context>
    <name>telephone::ServiceAccountKeyMover</name>
    <message>
        <source>The service-account key of tunnel &quot;%1&quot; was not moved to its new name &quot;%2&quot;: the key stored under that name could not be read first. It stays under the old name; store it again in the tunnel&apos;s editor.</source>
        <translation>Der Dienstkonto-Schlüssel des Tunnels „%1“ wurde nicht zum neuen Namen „%2“ verschoben: Der unter diesem Namen gespeicherte Schlüssel konnte vorher nicht gelesen werden. Er bleibt unter dem alten Namen; speichern Sie ihn im Tunnel-Editor erneut.</translation>
    </message>
    <message>
        <source>The service-account key of tunnel &quot;%1&quot; could not be moved to its new name &quot;%2&quot;: %3. It stays in the OS keychain under the old name; store it again in the tunnel&apos;s editor.</source>
        <translation>Der Dienstkonto-Schlüssel des Tunnels „%1“ konnte nicht zum neuen Namen „%2“ verschoben werden: %3. Er bleibt im Schlüsselbund des Systems unter dem alten Namen; speichern Sie ihn im Tunnel-Editor erneut.</translation>
    </message>
    <message>
        <source>The service-account key of the removed tunnel &quot;%1&quot; (if it had one) could not be removed from the OS keychain: %2</source>
        <translation>Der Dienstkonto-Schlüssel des entfernten Tunnels „%1“ (falls er einen hatte) konnte nicht aus dem Schlüsselbund des Systems gelöscht werden: %2</translation>
    </message>
    <message>
        <source>The service-account key of tunnel &quot;%1&quot; is now stored under its new name, but the copy under its old name &quot;%2&quot; could not be removed from the OS keychain: %3</source>
        <translation>Der Dienstkonto-Schlüssel des Tunnels „%1“ ist jetzt unter seinem neuen Namen gespeichert, aber die Kopie unter dem alten Namen „%2“ konnte nicht aus dem Schlüsselbund des Systems gelöscht werden: %3</translation>
    </message>
    <message>
        <source>An older service-account key stored under the name &quot;%1&quot; could not be removed from the OS keychain: %2</source>
        <translation>Ein älterer Dienstkonto-Schlüssel unter dem Namen „%1“ konnte nicht aus dem Schlüsselbund des Systems gelöscht werden: %2</translation>
    </message>
</context>
<context>
    <name>telephone::SettingsDialog</name>
    <message>
        <source>Start Telephone when I log in</source>
        <translation>Telephone bei der Anmeldung starten</translation>
    </message>
    <message>
        <source>Start in the tray without showing this window</source>
        <translation>Im Tray starten, ohne dieses Fenster zu zeigen</translation>
    </message>
    <message>
        <source>Show desktop notifications</source>
        <translation>Desktop-Benachrichtigungen anzeigen</translation>
    </message>
    <message>
        <source>Settings — Telephone</source>
        <translation>Einstellungen — Telephone</translation>
    </message>
    <message>
        <source>Automatic (follows the desktop&apos;s light or dark look)</source>
        <translation>Automatisch (folgt dem hellen oder dunklen Erscheinungsbild)</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>Farbig</translation>
    </message>
    <message>
        <source>Light (for dark panels)</source>
        <translation>Hell (für dunkle Leisten)</translation>
    </message>
    <message>
        <source>Dark (for light panels)</source>
        <translation>Dunkel (für helle Leisten)</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <source>Plugboard server:</source>
        <translation>Plugboard-Server:</translation>
    </message>
    <message>
        <source>Local backend:</source>
        <translation>Lokales Backend:</translation>
    </message>
    <message>
        <source>Tray icon:</source>
        <translation>Tray-Symbol:</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Sprache:</translation>
    </message>
    <message>
        <source>Saved in %1. Server, backend and language changes take effect the next time Telephone starts.</source>
        <translation>Gespeichert in %1. Änderungen an Server, Backend und Sprache gelten ab dem nächsten Start von Telephone.</translation>
    </message>
    <message>
        <source>This run takes the value from %1, which wins over the config file.</source>
        <translation>Dieser Lauf nimmt den Wert aus %1; das hat Vorrang vor der Konfigurationsdatei.</translation>
    </message>
    <message>
        <source>Server: %1</source>
        <translation>Server: %1</translation>
    </message>
    <message>
        <source>Backend: %1</source>
        <translation>Backend: %1</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>Settings saved, but start at login could not be changed: %1</source>
        <translation>Einstellungen gespeichert, aber der Start bei der Anmeldung konnte nicht geändert werden: %1</translation>
    </message>
    <message>
        <source>Service-account key:</source>
        <translation>Dienstkonto-Schlüssel:</translation>
    </message>
    <message>
        <source>Tunnels</source>
        <translation>Tunnel</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>Hinzufügen …</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Bearbeiten …</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Each tunnel serves one more mount with its own server, backend and token; the server and backend above apply to a tunnel that sets none. Added, changed and removed tunnels take effect after restart.</source>
        <translation>Jeder Tunnel stellt einen weiteren Mount mit eigenem Server, Backend und Token bereit; Server und Backend von oben gelten für Tunnel, die keine eigenen angeben. Hinzugefügte, geänderte und entfernte Tunnel wirken nach einem Neustart.</translation>
    </message>
    <message>
        <source>%1 — %2 → %3</source>
        <translation>%1 — %2 → %3</translation>
    </message>
    <message>
        <source>general server</source>
        <translation>allgemeiner Server</translation>
    </message>
    <message>
        <source>general backend</source>
        <translation>allgemeines Backend</translation>
    </message>
    <message>
        <source>http://127.0.0.1:3000 or 3000</source>
        <translation>http://127.0.0.1:3000 oder 3000</translation>
    </message>
    <message>
        <source>Moving the service-account keys of renamed and removed tunnels in the OS keychain…</source>
        <translation>Die Dienstkonto-Schlüssel umbenannter und entfernter Tunnel werden im Schlüsselbund des Systems verschoben …</translation>
    </message>
    <message>
        <source>Settings saved, but the OS keychain did not do everything:</source>
        <translation>Einstellungen gespeichert, aber der Schlüsselbund des Systems hat nicht alles erledigt:</translation>
    </message>
</context>
<context>
    <name>telephone::SingleInstance</name>
    <message>
        <source>cannot create the lock file %1</source>
        <translation>die Sperrdatei %1 kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>the running Telephone did not answer</source>
        <translation>das laufende Telephone hat nicht geantwortet</translation>
    </message>
</context>
<context>
    <name>telephone::StatusPanel</name>
    <message>
        <source>socket opening · channel not joined</source>
        <translation>Socket wird geöffnet · Kanal nicht beigetreten</translation>
    </message>
    <message>
        <source>socket open · channel joining</source>
        <translation>Socket offen · Kanal wird beigetreten</translation>
    </message>
    <message>
        <source>socket open · channel joined</source>
        <translation>Socket offen · Kanal beigetreten</translation>
    </message>
    <message>
        <source>socket open · channel lost, rejoining</source>
        <translation>Socket offen · Kanal verloren, tritt erneut bei</translation>
    </message>
    <message>
        <source>%1 (socket found at %2)</source>
        <translation>%1 (Socket gefunden unter %2)</translation>
    </message>
    <message>
        <source>leaving the channel · closing the socket</source>
        <translation>verlässt den Kanal · schließt den Socket</translation>
    </message>
    <message>
        <source>socket closed · channel not joined</source>
        <translation>Socket geschlossen · Kanal nicht beigetreten</translation>
    </message>
    <message>
        <source>Reconnect now</source>
        <translation>Jetzt neu verbinden</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Refresh now</source>
        <translation>Jetzt erneuern</translation>
    </message>
    <message>
        <source>Server:</source>
        <translation>Server:</translation>
    </message>
    <message>
        <source>State:</source>
        <translation>Zustand:</translation>
    </message>
    <message>
        <source>Socket:</source>
        <translation>Socket:</translation>
    </message>
    <message>
        <source>Heartbeat:</source>
        <translation>Heartbeat:</translation>
    </message>
    <message>
        <source>Next try:</source>
        <translation>Nächster Versuch:</translation>
    </message>
    <message>
        <source>Mount:</source>
        <translation>Mount:</translation>
    </message>
    <message>
        <source>Public URL:</source>
        <translation>Öffentliche URL:</translation>
    </message>
    <message>
        <source>Backend:</source>
        <translation>Backend:</translation>
    </message>
    <message>
        <source>Token:</source>
        <translation>Token:</translation>
    </message>
    <message>
        <source>Secret store:</source>
        <translation>Geheimnisspeicher:</translation>
    </message>
    <message>
        <source>not configured</source>
        <translation>nicht konfiguriert</translation>
    </message>
    <message>
        <source>not running</source>
        <translation>läuft nicht</translation>
    </message>
    <message>
        <source>round trip %1 ms</source>
        <translation>Umlaufzeit %1 ms</translation>
    </message>
    <message>
        <source>no reply measured yet</source>
        <translation>noch keine Antwort gemessen</translation>
    </message>
    <message>
        <source>in %1</source>
        <translation>in %1</translation>
    </message>
    <message>
        <source>waiting for a new token</source>
        <translation>wartet auf ein neues Token</translation>
    </message>
    <message>
        <source>–</source>
        <translation>–</translation>
    </message>
    <message>
        <source>not joined yet</source>
        <translation>noch nicht beigetreten</translation>
    </message>
    <message>
        <source>known once joined</source>
        <translation>bekannt nach dem Beitritt</translation>
    </message>
    <message>
        <source>%1 — no requests yet</source>
        <translation>%1 — noch keine Anfragen</translation>
    </message>
    <message>
        <source>%1 — answering (last answer at %2)</source>
        <translation>%1 — antwortet (letzte Antwort um %2)</translation>
    </message>
    <message>
        <source>%1 — NOT answering since %2: %3</source>
        <translation>%1 — antwortet NICHT seit %2: %3</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keins</translation>
    </message>
    <message>
        <source>; refresh in %1</source>
        <translation>; Erneuerung in %1</translation>
    </message>
    <message>
        <source>none reported — tokens are kept in memory only</source>
        <translation>keiner gemeldet — Tokens liegen nur im Arbeitsspeicher</translation>
    </message>
    <message>
        <source>Paste token…</source>
        <translation>Token einfügen …</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Kopiert</translation>
    </message>
    <message>
        <source>Asked</source>
        <translation>Angefragt</translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>noch keins</translation>
    </message>
    <message>
        <source>refused — see State</source>
        <translation>abgelehnt — siehe Zustand</translation>
    </message>
    <message>
        <source>cannot be used — see State</source>
        <translation>unbrauchbar — siehe Zustand</translation>
    </message>
</context>
<context>
    <name>telephone::TokenDialog</name>
    <message>
        <source>Show</source>
        <translation>Anzeigen</translation>
    </message>
    <message>
        <source>Token — Telephone</source>
        <translation>Token — Telephone</translation>
    </message>
    <message>
        <source>Paste the token (eyJ…) from Plugboard</source>
        <translation>Token (eyJ…) aus Plugboard einfügen</translation>
    </message>
    <message>
        <source>Save and connect</source>
        <translation>Speichern und verbinden</translation>
    </message>
    <message>
        <source>Mount (path_id):</source>
        <translation>Mount (path_id):</translation>
    </message>
    <message>
        <source>Subject:</source>
        <translation>Subjekt:</translation>
    </message>
    <message>
        <source>Issued:</source>
        <translation>Ausgestellt:</translation>
    </message>
    <message>
        <source>Expires:</source>
        <translation>Läuft ab:</translation>
    </message>
    <message>
        <source>Nothing is saved until you press Save. The token is checked here only by its contents; the server decides whether it is valid.</source>
        <translation>Nichts wird gespeichert, bevor Sie auf Speichern drücken. Das Token wird hier nur anhand seines Inhalts geprüft; ob es gültig ist, entscheidet der Server.</translation>
    </message>
    <message>
        <source>Paste a token to see what it is for.</source>
        <translation>Fügen Sie ein Token ein, um zu sehen, wofür es gilt.</translation>
    </message>
    <message>
        <source>This token is for another mount than the one this tunnel serves (%1). Saving switches the tunnel to the token&apos;s mount.</source>
        <translation>Dieses Token gilt für einen anderen Mount als den, den dieser Tunnel bedient (%1). Speichern stellt den Tunnel auf den Mount des Tokens um.</translation>
    </message>
    <message>
        <source>The token looks usable. Save connects with it.</source>
        <translation>Das Token sieht brauchbar aus. Speichern verbindet damit.</translation>
    </message>
</context>
<context>
    <name>telephone::TokenPreview</name>
    <message>
        <source>This is not a Plugboard token: %1</source>
        <translation>Das ist kein Plugboard-Token: %1</translation>
    </message>
    <message>
        <source>This token has expired; it would be refused. Get a new one from Plugboard.</source>
        <translation>Dieses Token ist abgelaufen und würde abgelehnt. Holen Sie ein neues aus Plugboard.</translation>
    </message>
    <message>
        <source>not stated</source>
        <translation>nicht angegeben</translation>
    </message>
</context>
<context>
    <name>telephone::TrayIcon</name>
    <message>
        <source>Copy public URL</source>
        <translation>Öffentliche URL kopieren</translation>
    </message>
    <message>
        <source>Paste token from clipboard…</source>
        <translation>Token aus der Zwischenablage einfügen …</translation>
    </message>
    <message>
        <source>Open Telephone</source>
        <translation>Telephone öffnen</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Einstellungen …</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>Connected — backend not answering</source>
        <translation>Verbunden — Backend antwortet nicht</translation>
    </message>
    <message>
        <source>Telephone — %1</source>
        <translation>Telephone — %1</translation>
    </message>
    <message>
        <source>Mount: %1</source>
        <translation>Mount: %1</translation>
    </message>
    <message>
        <source>Backend: %1</source>
        <translation>Backend: %1</translation>
    </message>
    <message>
        <source>Token %1</source>
        <translation>Token %1</translation>
    </message>
    <message>
        <source>Next try in %1</source>
        <translation>Nächster Versuch in %1</translation>
    </message>
    <message>
        <source>Paste token…</source>
        <translation>Token einfügen …</translation>
    </message>
    <message>
        <source>All %1 tunnels connected</source>
        <translation>Alle %1 Tunnel verbunden</translation>
    </message>
    <message>
        <source>Attention needed: %1 of %2 tunnels</source>
        <translation>Aufmerksamkeit nötig: %1 von %2 Tunneln</translation>
    </message>
</context>
<context>
    <name>telephone::TunnelActions</name>
    <message>
        <source>Connect</source>
        <translation>Verbinden</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>Trennen</translation>
    </message>
    <message>
        <source>Refresh token now</source>
        <translation>Token jetzt erneuern</translation>
    </message>
</context>
<context>
    <name>telephone::TunnelEditDialog</name>
    <message>
        <source>Add tunnel — Telephone</source>
        <translation>Tunnel hinzufügen — Telephone</translation>
    </message>
    <message>
        <source>Edit tunnel — Telephone</source>
        <translation>Tunnel bearbeiten — Telephone</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>Plugboard server:</source>
        <translation>Plugboard-Server:</translation>
    </message>
    <message>
        <source>%1 (from the general settings)</source>
        <translation>%1 (aus den allgemeinen Einstellungen)</translation>
    </message>
    <message>
        <source>Local backend:</source>
        <translation>Lokales Backend:</translation>
    </message>
    <message>
        <source>Token file (optional):</source>
        <translation>Token-Datei (optional):</translation>
    </message>
    <message>
        <source>a file whose first line is the token</source>
        <translation>eine Datei, deren erste Zeile das Token ist</translation>
    </message>
    <message>
        <source>Without a token file the tunnel uses the newest token stored for its server, or asks for one.</source>
        <translation>Ohne Token-Datei nimmt der Tunnel das neueste für seinen Server gespeicherte Token oder fragt nach einem.</translation>
    </message>
    <message>
        <source>Give the tunnel a name.</source>
        <translation>Geben Sie dem Tunnel einen Namen.</translation>
    </message>
    <message>
        <source>Use only letters, digits, - and _ (at most 64): the name is part of environment variable names.</source>
        <translation>Nur Buchstaben, Ziffern, - und _ (höchstens 64): Der Name wird Teil von Namen von Umgebungsvariablen.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is the tunnel of the command line; choose another name.</source>
        <translation>„%1“ ist der Tunnel der Befehlszeile; wählen Sie einen anderen Namen.</translation>
    </message>
    <message>
        <source>Another tunnel is called that (names must differ in more than case).</source>
        <translation>Ein anderer Tunnel heißt schon so (Namen müssen sich nicht nur in Groß- und Kleinschreibung unterscheiden).</translation>
    </message>
    <message>
        <source>Give the server: the general settings have none.</source>
        <translation>Geben Sie den Server an: Die allgemeinen Einstellungen nennen keinen.</translation>
    </message>
    <message>
        <source>Give the backend: the general settings have none.</source>
        <translation>Geben Sie das Backend an: Die allgemeinen Einstellungen nennen keines.</translation>
    </message>
    <message>
        <source>Give the full path of the token file.</source>
        <translation>Geben Sie den vollständigen Pfad der Token-Datei an.</translation>
    </message>
    <message>
        <source>There is no file %1.</source>
        <translation>Die Datei %1 gibt es nicht.</translation>
    </message>
    <message>
        <source>Service-account key:</source>
        <translation>Dienstkonto-Schlüssel:</translation>
    </message>
    <message>
        <source>http://127.0.0.1:3000 or 3000</source>
        <translation>http://127.0.0.1:3000 oder 3000</translation>
    </message>
    <message>
        <source>Save the settings with the new tunnel first; then edit it to store its service-account key.</source>
        <translation>Speichern Sie die Einstellungen mit dem neuen Tunnel zuerst; bearbeiten Sie ihn dann, um seinen Dienstkonto-Schlüssel zu speichern.</translation>
    </message>
    <message>
        <source>The key is kept under the name &quot;%1&quot; and moves to the new name when the settings are saved.</source>
        <translation>Der Schlüssel bleibt unter dem Namen „%1“ und zieht beim Speichern der Einstellungen zum neuen Namen um.</translation>
    </message>
</context>
<context>
    <name>telephone::TunnelGlance</name>
    <message>
        <source>Backend not answering</source>
        <translation>Backend antwortet nicht</translation>
    </message>
</context>
<context>
    <name>telephone::WebSocketFramesView</name>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>Richtung</translation>
    </message>
    <message>
        <source>Opcode</source>
        <translation>Opcode</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Vorschau</translation>
    </message>
    <message>
        <source>↑ to the backend: %1 frames, %2 · ↓ from the backend: %3 frames, %4</source>
        <translation>↑ zum Backend: %1 Frames, %2 · ↓ vom Backend: %3 Frames, %4</translation>
    </message>
    <message>
        <source>subprotocol %1</source>
        <translation>Subprotokoll %1</translation>
    </message>
    <message>
        <source>Closed with %1 %2</source>
        <translation>Geschlossen mit %1 %2</translation>
    </message>
    <message numerus="yes">
        <source>%n older frame(s) not kept</source>
        <translation>
            <numerusform>%n älterer Frame nicht behalten</numerusform>
            <numerusform>%n ältere Frames nicht behalten</numerusform>
        </translation>
    </message>
    <message>
        <source>from the browser to the backend</source>
        <translation>vom Browser zum Backend</translation>
    </message>
    <message>
        <source>from the backend to the browser</source>
        <translation>vom Backend zum Browser</translation>
    </message>
</context>
</TS>
