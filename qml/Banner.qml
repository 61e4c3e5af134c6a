import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One non-blocking message: the API's own words, coloured by kind ("error", "warning", "info",
// "ok"), with a close button; it never takes the keyboard.
Rectangle {
    id: banner

    property string text
    property string kind: "info"
    // False for a banner that stays while its cause lasts (the link banner).
    property bool closable: true
    signal closed()

    readonly property color accent: kind === "error" ? Theme.danger
                                  : kind === "warning" ? Theme.warn
                                  : kind === "ok" ? Theme.ok : Theme.accent

    implicitHeight: row.implicitHeight + Theme.px(12)
    radius: Theme.px(4)
    color: Theme.raised
    border.color: banner.accent
    border.width: 1

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.leftMargin: Theme.px(10)
        anchors.rightMargin: Theme.px(4)
        Rectangle {
            Layout.preferredWidth: Theme.px(4)
            Layout.fillHeight: true
            Layout.topMargin: Theme.px(4)
            Layout.bottomMargin: Theme.px(4)
            color: banner.accent
        }
        Label {
            objectName: "bannerText"
            Layout.fillWidth: true
            text: banner.text
            color: Theme.text
            wrapMode: Text.Wrap
        }
        ToolButton {
            visible: banner.closable
            text: "✕"
            focusPolicy: Qt.NoFocus
            onClicked: banner.closed()
        }
    }
}
