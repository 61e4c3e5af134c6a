import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Soundlab

// One line at the bottom: a marker just added (M) for a few seconds, else the last error, or
// what is running.
ToolBar {
    id: bar

    required property AudioViewModel audio
    required property SessionLogViewModel log

    Label {
        anchors.fill: parent
        anchors.leftMargin: 8
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
        text: bar.log.message !== "" ? bar.log.message
              : bar.audio.lastError !== "" ? bar.audio.lastError
              : bar.audio.running ? qsTr("%1 Hz · %2 frames · %3")
                                    .arg(bar.audio.sampleRate).arg(bar.audio.blockSize).arg(bar.audio.deviceName)
              : qsTr("Audio stopped")
        color: bar.log.message === "" && bar.audio.lastError !== "" ? Theme.danger
                                                                    : palette.windowText
    }
}
