import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A titled dashboard card; children go into its column.
Rectangle {
    id: card

    property string title
    default property alias content: column.data
    property alias column: column

    color: Theme.surface
    radius: Theme.px(6)
    border.color: Theme.border

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: Theme.px(10)
        spacing: Theme.px(6)

        Label {
            visible: card.title !== ""
            text: card.title
            color: Theme.textMuted
            font.pixelSize: Theme.title
            font.bold: true
            font.capitalization: Font.AllUppercase
        }
    }
}
