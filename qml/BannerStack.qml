pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Layouts

// The window's banners, newest at the bottom, each gone after 12 s or when closed. Everything
// that reports a problem or a verdict calls show() (Main.qml wires the view-models to it).
ColumnLayout {
    id: stack

    // Banners showing now (the GUI run reads them).
    readonly property alias count: banners.count
    function show(text: string, kind: string) {
        if (text === "") return;
        // The same message again refreshes the banner instead of stacking a copy.
        for (let i = 0; i < banners.count; ++i)
            if (banners.get(i).text === text) banners.remove(i);
        banners.append({ "text": text, "kind": kind, "shownAt": Date.now() });
        while (banners.count > 4) banners.remove(0);
    }
    function textAt(i: int): string { return banners.get(i).text; }

    spacing: Theme.px(4)

    ListModel { id: banners }

    Timer {
        interval: 1000
        repeat: true
        running: banners.count > 0
        onTriggered: {
            for (let i = banners.count - 1; i >= 0; --i)
                if (Date.now() - banners.get(i).shownAt > 12000) banners.remove(i);
        }
    }

    Repeater {
        model: banners
        delegate: Banner {
            required property int index
            required text
            required kind
            Layout.fillWidth: true
            onClosed: banners.remove(index)
        }
    }
}
