<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>telephone::HumanText</name>
    <message numerus="yes">
        <source>stopping; %n request(s) in flight</source>
        <translation>
            <numerusform>stopping; %n request in flight</numerusform>
            <numerusform>stopping; %n requests in flight</numerusform>
        </translation>
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
</context>
</TS>
