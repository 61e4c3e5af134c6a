pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Soundlab

// The preset browser (docs/presets.md, "GUI"): the library with search and tag chips, the A/B
// slots with their diff, import (dry run first) and export. Everything reads PresetsViewModel,
// which reads the preset API's documents and acts through the functions its routes call.
Pane {
    id: panel

    required property PresetsViewModel presets

    // Ctrl+F (Main.qml): the search field takes the keys.
    function focusSearch() {
        search.forceActiveFocus();
        search.selectAll();
    }

    // The chosen preset, by id so a refreshed list keeps the choice.
    property string selectedId: ""
    readonly property var selected: {
        for (const p of panel.presets.presets)
            if (p.id === panel.selectedId) return p;
        return null;
    }
    // The edit fields show the chosen preset, again after each change of it (typing into a
    // field would otherwise have replaced a binding for good).
    onSelectedChanged: {
        nameField.text = selected ? selected.name : "";
        tagsField.text = selected ? selected.tags.join(", ") : "";
    }
    readonly property color errorColor: Theme.danger
    readonly property color activeColor: Theme.ok

    FileDialog {
        id: importDialog
        title: qsTr("Import a preset bundle")
        nameFilters: [qsTr("Preset bundles (*.json)"), qsTr("All files (*)")]
        onAccepted: panel.presets.previewImport(selectedFile)
    }
    FileDialog {
        id: exportDialog
        title: qsTr("Export all presets")
        fileMode: FileDialog.SaveFile
        defaultSuffix: "json"
        nameFilters: [qsTr("Preset bundles (*.json)")]
        onAccepted: panel.presets.exportTo(selectedFile)
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 12

            // ---- left: the library ---------------------------------------------------------
            GroupBox {
                title: qsTr("Library (%1)").arg(panel.presets.total)
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.preferredWidth: 1

                ColumnLayout {
                    anchors.fill: parent
                    spacing: 6

                    TextField {
                        id: search
                        Layout.fillWidth: true
                        placeholderText: qsTr("Search name, notes, tags (Ctrl+F)")
                        text: panel.presets.query
                        onTextEdited: panel.presets.query = text
                    }

                    Flow {
                        Layout.fillWidth: true
                        spacing: 4
                        visible: panel.presets.tags.length > 0
                        Repeater {
                            model: panel.presets.tags
                            delegate: Button {
                                required property string modelData
                                text: modelData
                                flat: true
                                checkable: true
                                checked: panel.presets.tagFilter.toLowerCase() === modelData.toLowerCase()
                                highlighted: checked
                                onClicked: panel.presets.tagFilter = checked ? modelData : ""
                            }
                        }
                    }

                    ListView {
                        id: list
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        clip: true
                        model: panel.presets.presets
                        ScrollBar.vertical: ScrollBar {}
                        delegate: ItemDelegate {
                            id: row
                            required property var modelData
                            width: ListView.view.width
                            highlighted: modelData.id === panel.selectedId
                            onClicked: panel.selectedId = modelData.id
                            onDoubleClicked: panel.presets.load(modelData.id)
                            contentItem: ColumnLayout {
                                spacing: 0
                                Label {
                                    Layout.fillWidth: true
                                    text: row.modelData.name
                                    font.bold: true
                                    elide: Text.ElideRight
                                }
                                Label {
                                    Layout.fillWidth: true
                                    text: row.modelData.modified
                                          + (row.modelData.tags.length ? "  ·  " + row.modelData.tags.join(", ") : "")
                                    opacity: 0.7
                                    elide: Text.ElideRight
                                }
                            }
                        }
                        Label {
                            anchors.centerIn: parent
                            visible: list.count === 0
                            text: panel.presets.query || panel.presets.tagFilter
                                  ? qsTr("No preset matches") : qsTr("No presets yet: save the live state")
                            opacity: 0.7
                        }
                    }

                    RowLayout {
                        Layout.fillWidth: true
                        Button {
                            text: qsTr("Load")
                            enabled: panel.selected !== null
                            ToolTip.visible: hovered
                            ToolTip.text: qsTr("Play this preset (10 ms ramp)")
                            onClicked: panel.presets.load(panel.selectedId)
                        }
                        Button {
                            text: qsTr("Delete")
                            enabled: panel.selected !== null
                            onClicked: panel.presets.remove(panel.selectedId)
                        }
                        Button {
                            Layout.fillWidth: true
                            text: panel.presets.canUndo ? qsTr("Undo delete of “%1”").arg(panel.presets.undoName)
                                                        : qsTr("Undo")
                            enabled: panel.presets.canUndo
                            onClicked: panel.presets.undo()
                        }
                    }
                    RowLayout {
                        Layout.fillWidth: true
                        TextField {
                            id: nameField
                            Layout.fillWidth: true
                            placeholderText: qsTr("Name")
                            enabled: panel.selected !== null
                        }
                        Button {
                            text: qsTr("Rename")
                            enabled: panel.selected !== null && nameField.text !== panel.selected.name
                            onClicked: panel.presets.rename(panel.selectedId, nameField.text)
                        }
                    }
                    RowLayout {
                        Layout.fillWidth: true
                        TextField {
                            id: tagsField
                            Layout.fillWidth: true
                            placeholderText: qsTr("Tags, comma-separated")
                            enabled: panel.selected !== null
                        }
                        Button {
                            text: qsTr("Set tags")
                            enabled: panel.selected !== null
                            onClicked: panel.presets.setTags(panel.selectedId, tagsField.text)
                        }
                    }
                    RowLayout {
                        Layout.fillWidth: true
                        TextField {
                            id: liveName
                            Layout.fillWidth: true
                            placeholderText: qsTr("Name for the live state")
                        }
                        Button {
                            text: qsTr("Save live")
                            enabled: liveName.text.trim().length > 0
                            ToolTip.visible: hovered
                            ToolTip.text: qsTr("Save what the engine plays now as a new preset")
                            onClicked: {
                                panel.presets.saveLive(liveName.text.trim());
                                liveName.clear();
                            }
                        }
                    }
                }
            }

            // ---- right: A/B and import/export ----------------------------------------------
            ColumnLayout {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.preferredWidth: 1
                spacing: 8

                GroupBox {
                    title: qsTr("A/B comparison")
                    Layout.fillWidth: true
                    Layout.fillHeight: true

                    ColumnLayout {
                        anchors.fill: parent
                        spacing: 6

                        Repeater {
                            model: ["A", "B"]
                            delegate: RowLayout {
                                id: slotRow
                                required property string modelData
                                readonly property string slotName: modelData === "A" ? panel.presets.slotA
                                                                                     : panel.presets.slotB
                                readonly property bool playing: panel.presets.activeSlot === modelData
                                Layout.fillWidth: true
                                Label {
                                    text: (slotRow.playing ? "▶ " : "   ") + slotRow.modelData
                                    font.bold: true
                                    color: slotRow.playing ? panel.activeColor : palette.windowText
                                    Layout.preferredWidth: 36
                                }
                                Label {
                                    Layout.fillWidth: true
                                    text: slotRow.slotName || qsTr("(empty)")
                                    opacity: slotRow.slotName ? 1 : 0.6
                                    elide: Text.ElideRight
                                }
                                Button {
                                    text: qsTr("← selected")
                                    enabled: panel.selected !== null
                                    onClicked: panel.presets.storeInSlot(slotRow.modelData, panel.selectedId)
                                }
                                Button {
                                    text: qsTr("← live")
                                    onClicked: panel.presets.storeLiveInSlot(slotRow.modelData)
                                }
                            }
                        }

                        RowLayout {
                            Layout.fillWidth: true
                            Button {
                                text: qsTr("Toggle A/B (T)")
                                highlighted: true
                                enabled: panel.presets.slotA !== "" && panel.presets.slotB !== ""
                                onClicked: panel.presets.toggle()
                            }
                            Label {
                                Layout.fillWidth: true
                                text: panel.presets.slotA && panel.presets.slotB
                                      ? qsTr("%n difference(s), A → B", "", panel.presets.diff.length)
                                      : qsTr("Fill both slots to compare")
                                elide: Text.ElideRight
                            }
                        }

                        // Column widths from the list's, the same as its rows'.
                        Row {
                            Layout.fillWidth: true
                            Layout.preferredWidth: 0
                            spacing: 8
                            visible: panel.presets.diff.length > 0
                            Label {
                                width: diffList.width * 0.4
                                text: qsTr("Field")
                                font.bold: true
                            }
                            Label {
                                width: diffList.width * 0.3 - 8
                                text: "A: " + panel.presets.slotA
                                font.bold: true
                                elide: Text.ElideRight
                            }
                            Label {
                                width: diffList.width * 0.3 - 8
                                text: "B: " + panel.presets.slotB
                                font.bold: true
                                elide: Text.ElideRight
                            }
                        }

                        ListView {
                            id: diffList
                            Layout.fillWidth: true
                            Layout.fillHeight: true
                            Layout.minimumHeight: 60
                            clip: true
                            model: panel.presets.diff
                            ScrollBar.vertical: ScrollBar {}
                            delegate: RowLayout {
                                id: diffRow
                                required property var modelData
                                width: ListView.view.width
                                spacing: 8
                                Label {
                                    Layout.preferredWidth: diffRow.width * 0.4
                                    text: diffRow.modelData.path
                                    font.family: "monospace"
                                    elide: Text.ElideRight
                                }
                                Label {
                                    Layout.preferredWidth: diffRow.width * 0.3 - 8
                                    text: diffRow.modelData.a
                                    elide: Text.ElideRight
                                }
                                Label {
                                    Layout.preferredWidth: diffRow.width * 0.3 - 8
                                    text: diffRow.modelData.b
                                    elide: Text.ElideRight
                                }
                            }
                        }
                    }
                }

                GroupBox {
                    title: qsTr("Import and export")
                    Layout.fillWidth: true
                    Layout.fillHeight: panel.presets.importReport.length > 0

                    ColumnLayout {
                        anchors.fill: parent
                        spacing: 6

                        RowLayout {
                            Layout.fillWidth: true
                            Button {
                                text: qsTr("Import…")
                                onClicked: importDialog.open()
                            }
                            Label { text: qsTr("On collision") }
                            ComboBox {
                                Layout.fillWidth: true
                                model: panel.presets.collisionPolicies
                                currentIndex: model.indexOf(panel.presets.importCollision)
                                onActivated: index => panel.presets.importCollision = model[index]
                            }
                            Button {
                                text: qsTr("Export…")
                                onClicked: exportDialog.open()
                            }
                        }
                        Label {
                            Layout.fillWidth: true
                            visible: panel.presets.importFile !== ""
                            text: (panel.presets.importPending ? qsTr("Dry run of %1: %2")
                                                                : qsTr("%1: %2"))
                                  .arg(panel.presets.importFile)
                                  .arg(panel.presets.importSummary || qsTr("no presets"))
                            wrapMode: Text.Wrap
                        }
                        ListView {
                            Layout.fillWidth: true
                            Layout.fillHeight: true
                            Layout.minimumHeight: 40
                            visible: panel.presets.importReport.length > 0
                            clip: true
                            spacing: 4
                            model: panel.presets.importReport
                            ScrollBar.vertical: ScrollBar {}
                            delegate: Label {
                                required property var modelData
                                width: ListView.view.width
                                text: modelData.action + "  " + modelData.name
                                      + (modelData.reasons ? " — " + modelData.reasons : "")
                                textFormat: Text.PlainText
                                wrapMode: Text.Wrap
                            }
                        }
                        RowLayout {
                            visible: panel.presets.importFile !== ""
                            Button {
                                text: qsTr("Import now")
                                highlighted: true
                                enabled: panel.presets.importPending && !panel.presets.busy
                                onClicked: panel.presets.confirmImport()
                            }
                            Button {
                                text: panel.presets.importPending ? qsTr("Cancel") : qsTr("Close")
                                onClicked: panel.presets.cancelImport()
                            }
                        }
                    }
                }
            }
        }

        // What the last action did, or the API's reason for refusing it.
        RowLayout {
            Layout.fillWidth: true
            BusyIndicator {
                running: panel.presets.busy
                Layout.preferredHeight: 24
                Layout.preferredWidth: 24
            }
            Label {
                Layout.fillWidth: true
                text: panel.presets.lastError || panel.presets.message
                color: panel.presets.lastError ? panel.errorColor : palette.windowText
                elide: Text.ElideRight
            }
        }
    }
}
