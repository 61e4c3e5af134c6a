import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Soundlab

// The audio host at a glance: stream format, callbacks, CPU load and xruns.
Pane {
    id: panel

    required property AudioViewModel audio

    GridLayout {
        columns: 2
        columnSpacing: 24
        rowSpacing: 8

        Label { text: qsTr("Device") }
        Label { text: panel.audio.deviceName + (panel.audio.hostApi ? "  (" + panel.audio.hostApi + ")" : "") }

        Label { text: qsTr("Sample rate") }
        Label { text: panel.audio.sampleRate + " Hz" }

        Label { text: qsTr("Block size") }
        Label {
            text: panel.audio.blockSize + qsTr(" frames")
                  + (panel.audio.hostPeriod ? qsTr(" (host period)") : "")
                  + "  = " + (1000 * panel.audio.blockSize / panel.audio.sampleRate).toFixed(2) + " ms"
        }

        Label { text: qsTr("Callbacks") }
        Label { text: panel.audio.callbackCount.toLocaleString(Qt.locale(), "f", 0) }

        Label { text: qsTr("CPU load") }
        RowLayout {
            ProgressBar {
                Layout.preferredWidth: 240
                from: 0
                to: 1
                value: Math.min(1, panel.audio.cpuLoad)
            }
            Label {
                text: (100 * panel.audio.cpuLoad).toFixed(2) + " %  (peak "
                      + (100 * panel.audio.cpuLoadPeak).toFixed(2) + " %, "
                      + panel.audio.processingMs.toFixed(3) + " ms)"
            }
        }

        Label { text: qsTr("Xruns") }
        Label {
            text: qsTr("input overflows %1, output underflows %2")
                  .arg(panel.audio.inputOverflows).arg(panel.audio.outputUnderflows)
            color: panel.audio.inputOverflows + panel.audio.outputUnderflows > 0 ? Theme.danger : palette.windowText
        }
    }
}
