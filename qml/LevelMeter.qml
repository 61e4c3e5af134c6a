import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One level meter: RMS as the bar, the held peak as a tick, both in dBFS over [-60, 0].
RowLayout {
    id: meter

    property string label
    property real peakDb: -120
    property real rmsDb: -120
    readonly property real floorDb: -60
    function position(db: real): real {
        return Math.max(0, Math.min(1, (db - floorDb) / -floorDb));
    }

    spacing: Theme.px(6)
    Label {
        text: meter.label
        color: Theme.textMuted
        font.pixelSize: Theme.small
        Layout.preferredWidth: Theme.px(34)
    }
    Rectangle {
        id: trough
        Layout.fillWidth: true
        Layout.preferredHeight: Theme.px(10)
        color: Theme.raised
        radius: 2
        Rectangle {
            width: trough.width * meter.position(meter.rmsDb)
            height: parent.height
            radius: 2
            color: meter.peakDb > -1 ? Theme.danger : meter.peakDb > -6 ? Theme.warn : Theme.ok
        }
        Rectangle {
            x: Math.max(0, trough.width * meter.position(meter.peakDb) - width)
            width: 2
            height: parent.height
            color: Theme.text
            visible: meter.peakDb > meter.floorDb
        }
    }
    Label {
        text: meter.peakDb <= -120 ? "−∞" : meter.peakDb.toFixed(1)
        color: Theme.text
        font.pixelSize: Theme.small
        font.family: "monospace"
        horizontalAlignment: Text.AlignRight
        Layout.preferredWidth: Theme.px(44)
    }
}
