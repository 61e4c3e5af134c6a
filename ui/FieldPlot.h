#pragma once

#include <QtQml/qqmlregistration.h>
#include <QColor>
#include <QImage>
#include <QList>
#include <QPointF>
#include <QPolygonF>
#include <QQuickPaintedItem>
#include <QRectF>
#include <QStringList>
#include <QVariantList>

namespace soundlab {

// The field chart's plot (issue 14): a few lines over a fixed x/y range with grid, axis labels
// and an optional legend, drawn with QPainter. It replaces QtCharts' ChartView, whose scene
// redraw cost most of the GUI's CPU under the software renderer (docs/benchmarks.md "Control
// room"); the software renderer cannot draw geometry nodes, so QPainter it is. MetricsViewModel
// hands it the points (updatePlot); it repaints only when they changed, and Qt Quick paints
// nothing while the item is hidden. Lines are decimated to the pixel columns they cover.
class FieldPlot : public QQuickPaintedItem {
    Q_OBJECT
    QML_ELEMENT

    // One colour and one legend name per line, in the order of the lines.
    Q_PROPERTY(QVariantList colors READ colors WRITE setColors NOTIFY styleChanged)
    Q_PROPERTY(QStringList names READ names WRITE setNames NOTIFY styleChanged)
    Q_PROPERTY(QColor textColor MEMBER textColor_ NOTIFY styleChanged)    // legend
    Q_PROPERTY(QColor labelColor MEMBER labelColor_ NOTIFY styleChanged)  // axis labels
    Q_PROPERTY(QColor gridColor MEMBER gridColor_ NOTIFY styleChanged)
    Q_PROPERTY(QColor backgroundColor MEMBER backgroundColor_ NOTIFY styleChanged)
    Q_PROPERTY(int fontPixelSize MEMBER fontPixelSize_ NOTIFY styleChanged)
    Q_PROPERTY(bool showLegend MEMBER showLegend_ NOTIFY styleChanged)
    // The data range: x in seconds (labels "… s"), y in [yMin, yMax] (labels with 2 decimals).
    Q_PROPERTY(double xMin MEMBER xMin_ NOTIFY styleChanged)
    Q_PROPERTY(double xMax MEMBER xMax_ NOTIFY styleChanged)
    Q_PROPERTY(double yMin MEMBER yMin_ NOTIFY styleChanged)
    Q_PROPERTY(double yMax MEMBER yMax_ NOTIFY styleChanged)
    Q_PROPERTY(int xTicks MEMBER xTicks_ NOTIFY styleChanged)
    Q_PROPERTY(int yTicks MEMBER yTicks_ NOTIFY styleChanged)
    // Where the data is drawn, in item coordinates (the state band aligns with it).
    Q_PROPERTY(QRectF plotArea READ plotArea NOTIFY plotAreaChanged)
    // Points of the longest line last handed in (before decimation).
    Q_PROPERTY(int pointCount READ pointCount NOTIFY pointCountChanged)

public:
    explicit FieldPlot(QQuickItem* parent = nullptr);

    QVariantList colors() const { return colors_; }
    void setColors(const QVariantList& colors);
    QStringList names() const { return names_; }
    void setNames(const QStringList& names);
    QRectF plotArea() const { return plotArea_; }
    int pointCount() const { return pointCount_; }

    // The lines in data coordinates (x ascending). Schedules a repaint if they differ from the
    // last ones.
    void setLines(QList<QList<QPointF>> lines);

    // `line` (data coordinates, x ascending) in pixels of `plot`, where `data` maps onto it (y
    // up), with at most two vertices per pixel column: the column's lowest and highest value in
    // the order they came, so a spike of one sample stays visible.
    static QPolygonF decimate(const QList<QPointF>& line, const QRectF& data, const QRectF& plot);

    void paint(QPainter* painter) override;

signals:
    void styleChanged();
    void plotAreaChanged();
    void pointCountChanged();

protected:
    void geometryChange(const QRectF& newGeometry, const QRectF& oldGeometry) override;

private:
    void relayout();
    QFont font() const;
    // Background, legend, grid and axis labels (everything but the lines).
    void paintFrame(QPainter* painter);

    QList<QList<QPointF>> lines_;
    QVariantList colors_;
    QStringList names_;
    QColor textColor_ = Qt::white;
    QColor labelColor_ = Qt::lightGray;
    QColor gridColor_ = Qt::darkGray;
    QColor backgroundColor_ = Qt::black;
    int fontPixelSize_ = 12;
    bool showLegend_ = true;
    double xMin_ = -30.0, xMax_ = 0.0, yMin_ = 0.0, yMax_ = 1.0;
    int xTicks_ = 7, yTicks_ = 5;
    QRectF plotArea_;
    QImage frame_;  // paintFrame's result at the item's size; null when it must be redrawn
    int pointCount_ = 0;
};

}  // namespace soundlab
