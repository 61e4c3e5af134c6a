import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Soundlab

// The settings file (docs/install.md "Settings"): each setting's value in the file, what a start
// would use and where that comes from. Edits are saved together, checked as a start reads the
// file; a refusal names the key and what is valid, and the file stays as it was.
Pane {
    id: panel

    required property SettingsViewModel settings
    // key → new text ("" removes the key: back to the default); sent as one patch.
    property var edits: ({})
    property int editCount: 0

    function edit(key, text) {
        const next = Object.assign({}, edits)
        next[key] = text
        edits = next
        editCount = Object.keys(next).length
    }
    function patch() {
        const p = {}
        for (const key in edits)
            p[key] = edits[key] === "" ? null : edits[key]
        return p
    }

    Connections {
        target: panel.settings
        function onChanged() {
            if (!panel.settings.busy && panel.settings.error === "" && panel.settings.message !== "") {
                panel.edits = ({})
                panel.editCount = 0
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8

        RowLayout {
            Layout.fillWidth: true
            Label {
                Layout.fillWidth: true
                text: qsTr("Settings file: %1").arg(panel.settings.file)
                elide: Text.ElideMiddle
            }
            Button {
                text: qsTr("Revert")
                enabled: panel.editCount > 0 && !panel.settings.busy
                onClicked: {
                    panel.edits = ({})
                    panel.editCount = 0
                    panel.settings.refresh()
                }
            }
            Button {
                text: panel.editCount > 0 ? qsTr("Save %1 change(s)").arg(panel.editCount) : qsTr("Save")
                highlighted: panel.editCount > 0
                enabled: panel.editCount > 0 && !panel.settings.busy
                onClicked: panel.settings.save(panel.patch())
            }
        }
        Label {
            Layout.fillWidth: true
            visible: text !== ""
            wrapMode: Text.Wrap
            text: panel.settings.error !== "" ? panel.settings.error : panel.settings.message
            color: panel.settings.error !== "" ? Theme.danger : Theme.ok
        }

        ListView {
            id: list
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: panel.settings.settings
            spacing: 2
            ScrollBar.vertical: ScrollBar {}
            section.property: "section"
            section.delegate: Label {
                required property string section
                topPadding: 8
                text: "[" + section + "]"
                font.bold: true
            }
            delegate: RowLayout {
                id: row
                required property var modelData
                readonly property string key: modelData.key
                readonly property bool bad: panel.settings.errorKey === key
                width: list.width - 16
                spacing: 12

                Label {
                    Layout.preferredWidth: 150
                    text: row.modelData.name
                    color: row.bad ? Theme.danger : palette.windowText
                }
                TextField {
                    Layout.preferredWidth: 280
                    text: row.modelData.file_value === null ? "" : row.modelData.file_value
                    placeholderText: row.modelData.switch ? qsTr("true / false") : qsTr("(not set)")
                    onTextEdited: panel.edit(row.key, text)
                }
                Label {
                    Layout.fillWidth: true
                    elide: Text.ElideRight
                    font.pointSize: 9
                    opacity: 0.75
                    text: row.modelData.value === null ? ""
                          : qsTr("in effect: %1  (%2)").arg(row.modelData.value).arg(row.modelData.origin)
                }
            }
        }
    }
}
