pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The key help (?): every key of the window, from the one list Main.qml binds its shortcuts to.
Popup {
    id: help

    required property var keys  // [[sequence text, what it does], …]

    anchors.centerIn: Overlay.overlay
    modal: false
    focus: false
    padding: Theme.px(20)
    closePolicy: Popup.CloseOnPressOutside
    background: Rectangle {
        color: Theme.surface
        border.color: Theme.accent
        radius: Theme.px(8)
    }

    ColumnLayout {
        spacing: Theme.px(10)
        Label {
            text: qsTr("Keys")
            font.pixelSize: Theme.figure
            font.bold: true
        }
        GridLayout {
            objectName: "helpKeys"
            columns: 2
            columnSpacing: Theme.px(24)
            rowSpacing: Theme.px(6)
            Repeater {
                model: help.keys
                delegate: Label {
                    required property var modelData
                    required property int index
                    text: modelData[0]
                    font.family: "monospace"
                    font.bold: true
                    color: Theme.accent
                    Layout.row: index
                    Layout.column: 0
                }
            }
            Repeater {
                model: help.keys
                delegate: Label {
                    required property var modelData
                    required property int index
                    text: modelData[1]
                    Layout.row: index
                    Layout.column: 1
                }
            }
        }
        Label {
            text: qsTr("Letter and digit keys type into a focused text field instead.")
            color: Theme.textMuted
            font.pixelSize: Theme.small
        }
    }
}
