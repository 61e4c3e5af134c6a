import QtQuick
import QtQuick.Controls
import Soundlab

// The current field state on its state colour (Theme); animates over 150 ms on a change.
Rectangle {
    id: badge

    required property MetricsViewModel metrics
    // What the badge says: the state, or that no frame came yet.
    readonly property string text: label.text

    radius: Theme.px(6)
    color: badge.metrics.hasFrames ? Theme.stateColour(badge.metrics.state) : Theme.raised
    Behavior on color { ColorAnimation { duration: 150 } }

    Label {
        id: label
        objectName: "stateBadgeText"
        anchors.centerIn: parent
        text: badge.metrics.hasFrames ? badge.metrics.state : qsTr("no frames")
        color: badge.metrics.hasFrames ? Theme.onColour : Theme.textMuted
        font.pixelSize: Theme.badge
        font.bold: true
    }
}
