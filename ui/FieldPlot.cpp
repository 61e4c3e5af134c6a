#include "FieldPlot.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QQuickWindow>

#include <cmath>

namespace soundlab {

namespace {
constexpr double kMargin = 4.0;      // around everything, as the chart's margins were
constexpr double kLabelGap = 6.0;    // between an axis label and the plot
constexpr double kLegendGap = 12.0;  // between legend entries, and under the legend
constexpr double kLineWidth = 2.0;
}  // namespace

FieldPlot::FieldPlot(QQuickItem* parent) : QQuickPaintedItem(parent) {
    // The background is filled; unsmoothed lines cost a fraction of smoothed ones in software.
    setOpaquePainting(true);
    setAntialiasing(false);
    connect(this, &FieldPlot::styleChanged, this, [this] {
        relayout();
        frame_ = {};
        update();
    });
}

void FieldPlot::setColors(const QVariantList& colors) {
    if (colors == colors_) return;
    colors_ = colors;
    emit styleChanged();
}

void FieldPlot::setNames(const QStringList& names) {
    if (names == names_) return;
    names_ = names;
    emit styleChanged();
}

void FieldPlot::setLines(QList<QList<QPointF>> lines) {
    if (lines == lines_) return;  // nothing new: no repaint
    lines_ = std::move(lines);
    qsizetype longest = 0;
    for (const auto& line : lines_) longest = std::max(longest, line.size());
    if (int(longest) != pointCount_) {
        pointCount_ = int(longest);
        emit pointCountChanged();
    }
    update();
}

QPolygonF FieldPlot::decimate(const QList<QPointF>& line, const QRectF& data, const QRectF& plot) {
    QPolygonF out;
    if (line.isEmpty() || data.width() <= 0.0 || data.height() <= 0.0) return out;
    const double sx = plot.width() / data.width();
    const double sy = plot.height() / data.height();
    out.reserve(std::min(line.size(), 2 * qsizetype(plot.width()) + 4));

    // The column being gathered: its lowest and highest value (pixel y grows downwards) and
    // which of the two came first.
    qint64 column = 0;
    QPointF low, high;
    qsizetype lowAt = -1, highAt = -1;
    const auto flush = [&] {
        if (lowAt < 0) return;
        if (lowAt == highAt)
            out << low;
        else if (lowAt < highAt)
            out << low << high;
        else
            out << high << low;
    };
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QPointF p(plot.left() + (line[i].x() - data.left()) * sx,
                        plot.bottom() - (line[i].y() - data.top()) * sy);
        const auto c = qint64(std::floor(p.x()));
        if (lowAt < 0 || c != column) {
            flush();
            column = c;
            low = high = p;
            lowAt = highAt = i;
        } else if (p.y() > low.y()) {
            low = p;
            lowAt = i;
        } else if (p.y() < high.y()) {
            high = p;
            highAt = i;
        }
    }
    flush();
    return out;
}

QFont FieldPlot::font() const {
    QFont f;
    f.setPixelSize(std::max(1, fontPixelSize_));
    return f;
}

void FieldPlot::geometryChange(const QRectF& newGeometry, const QRectF& oldGeometry) {
    QQuickPaintedItem::geometryChange(newGeometry, oldGeometry);
    relayout();
}

void FieldPlot::relayout() {
    const QFontMetricsF fm(font());
    const double legend = showLegend_ && !names_.isEmpty() ? fm.height() + kLegendGap : 0.0;
    const double left = kMargin +
                        std::max(fm.horizontalAdvance(QString::number(yMin_, 'f', 2)),
                                 fm.horizontalAdvance(QString::number(yMax_, 'f', 2))) +
                        kLabelGap;
    // Half a label's width: the last x label is centred on the right edge.
    const double right = kMargin + fm.horizontalAdvance(QStringLiteral("00 s")) / 2.0;
    const double top = kMargin + legend + fm.height() / 2.0;
    const double bottom = kMargin + fm.height() + kLabelGap;
    const QRectF area(std::round(left), std::round(top),
                      std::max(0.0, std::round(width() - left - right)),
                      std::max(0.0, std::round(height() - top - bottom)));
    if (area != plotArea_) {
        plotArea_ = area;
        frame_ = {};
        emit plotAreaChanged();
    }
}

void FieldPlot::paint(QPainter* painter) {
    // The frame (background, legend, grid, labels) changes only with size or style: drawn once
    // into an image, so a repaint at 30 Hz costs one copy and the lines.
    const qreal dpr = window() ? window()->effectiveDevicePixelRatio() : 1.0;
    const QSize size(int(std::ceil(width() * dpr)), int(std::ceil(height() * dpr)));
    if (frame_.size() != size) {
        frame_ = QImage(size, QImage::Format_RGB32);
        frame_.setDevicePixelRatio(dpr);
        QPainter framePainter(&frame_);
        paintFrame(&framePainter);
    }
    painter->drawImage(0, 0, frame_);
    if (plotArea_.isEmpty()) return;

    // The lines, clipped to the plot (values outside the range leave it). Drawn with the
    // cosmetic (one pixel) pen, offset by a pixel right and down, for a 2-pixel line: a wide
    // pen goes through the path stroker and rasterizer, several times the CPU.
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->setClipRect(plotArea_.adjusted(0, -kLineWidth, kLineWidth, kLineWidth));
    const QRectF data(xMin_, yMin_, xMax_ - xMin_, yMax_ - yMin_);
    for (qsizetype i = 0; i < lines_.size(); ++i) {
        const QColor colour = i < colors_.size() ? colors_[i].value<QColor>() : textColor_;
        painter->setPen(QPen(colour, 0));
        const QPolygonF line = decimate(lines_[i], data, plotArea_);
        painter->drawPolyline(line);
        painter->drawPolyline(line.translated(1, 0));
        painter->drawPolyline(line.translated(0, 1));
    }
}

void FieldPlot::paintFrame(QPainter* painter) {
    painter->fillRect(QRectF(0, 0, width(), height()), backgroundColor_);
    if (plotArea_.isEmpty()) return;
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->setFont(font());
    const QFontMetricsF fm(painter->font());
    const QRectF& area = plotArea_;

    // Legend: a square in the line's colour and its name, centred over the plot.
    if (showLegend_ && !names_.isEmpty()) {
        const double box = std::round(fm.ascent() * 0.6);
        double total = 0.0;
        for (const QString& name : names_)
            total += box + 4.0 + fm.horizontalAdvance(name) + kLegendGap;
        double x = area.center().x() - (total - kLegendGap) / 2.0;
        const double y = kMargin;
        for (qsizetype i = 0; i < names_.size(); ++i) {
            const QColor colour = i < colors_.size() ? colors_[i].value<QColor>() : textColor_;
            painter->fillRect(QRectF(x, y + (fm.height() - box) / 2.0, box, box), colour);
            x += box + 4.0;
            painter->setPen(textColor_);
            painter->drawText(QPointF(x, y + fm.ascent()), names_[i]);
            x += fm.horizontalAdvance(names_[i]) + kLegendGap;
        }
    }

    // Grid and axis labels.
    const int xn = std::max(2, xTicks_), yn = std::max(2, yTicks_);
    for (int i = 0; i < xn; ++i) {
        const double x = std::round(area.left() + area.width() * i / (xn - 1));
        painter->setPen(gridColor_);
        painter->drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()));
        const QString label =
            QString::number(xMin_ + (xMax_ - xMin_) * i / (xn - 1), 'f', 0) + QStringLiteral(" s");
        painter->setPen(labelColor_);
        painter->drawText(
            QPointF(x - fm.horizontalAdvance(label) / 2.0, area.bottom() + kLabelGap + fm.ascent()),
            label);
    }
    for (int i = 0; i < yn; ++i) {
        const double y = std::round(area.bottom() - area.height() * i / (yn - 1));
        painter->setPen(gridColor_);
        painter->drawLine(QPointF(area.left(), y), QPointF(area.right(), y));
        const QString label = QString::number(yMin_ + (yMax_ - yMin_) * i / (yn - 1), 'f', 2);
        painter->setPen(labelColor_);
        painter->drawText(QPointF(area.left() - kLabelGap - fm.horizontalAdvance(label),
                                  y - fm.height() / 2.0 + fm.ascent()),
                          label);
    }
}

}  // namespace soundlab
