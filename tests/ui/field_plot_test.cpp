// FieldPlot draws at most two vertices per pixel column (the column's lowest and highest value),
// so 30 s of frames cost the same on a narrow plot as on a wide one and spikes stay visible.
#include "FieldPlot.h"

#include <gtest/gtest.h>
#include <QSignalSpy>

#include <cmath>
#include <map>

namespace soundlab {
namespace {

const QRectF kData(-30.0, 0.0, 30.0, 1.0);  // x −30 … 0 s, y 0 … 1
const QRectF kPlot(50.0, 20.0, 100.0, 200.0);

// 9000 points over 100 pixel columns: a slow sine with one single-sample spike to 1.
QList<QPointF> denseLineWithSpike(qsizetype spikeAt) {
    QList<QPointF> line;
    for (int i = 0; i < 9000; ++i)
        line.append({-30.0 + 30.0 * i / 9000.0, 0.5 + 0.2 * std::sin(i / 500.0)});
    line[spikeAt].setY(1.0);
    return line;
}

TEST(FieldPlot, DecimatesToAtMostTwoVerticesPerPixelColumnInOrder) {
    const QPolygonF out = FieldPlot::decimate(denseLineWithSpike(4321), kData, kPlot);
    ASSERT_FALSE(out.isEmpty());
    std::map<int, int> perColumn;
    for (const QPointF& p : out) ++perColumn[int(std::floor(p.x()))];
    EXPECT_EQ(perColumn.size(), 100u);
    for (const auto& [column, count] : perColumn) {
        EXPECT_GE(column, 50);
        EXPECT_LT(column, 150);
        EXPECT_LE(count, 2) << "column " << column;
    }
    for (qsizetype i = 1; i < out.size(); ++i) EXPECT_GE(out[i].x(), out[i - 1].x());
}

TEST(FieldPlot, DecimationKeepsAOneSampleSpike) {
    const QList<QPointF> line = denseLineWithSpike(4321);
    const QPolygonF out = FieldPlot::decimate(line, kData, kPlot);
    // y = 1 is the plot's top edge; the spike's column reaches it.
    const double spikeX = kPlot.left() + (line[4321].x() - kData.left()) * kPlot.width() / 30.0;
    bool found = false;
    for (const QPointF& p : out)
        if (p.y() == kPlot.top()) {
            found = true;
            EXPECT_EQ(std::floor(p.x()), std::floor(spikeX));
        }
    EXPECT_TRUE(found) << "the spike was dropped";
}

TEST(FieldPlot, ASparseLineMapsPointForPoint) {
    // Fewer points than columns: every point stays, mapped to pixels (y up).
    const QList<QPointF> line = {{-30.0, 0.0}, {-15.0, 0.5}, {0.0, 1.0}};
    const QPolygonF out = FieldPlot::decimate(line, kData, kPlot);
    ASSERT_EQ(out.size(), 3);
    EXPECT_EQ(out[0], QPointF(50.0, 220.0));
    EXPECT_EQ(out[1], QPointF(100.0, 120.0));
    EXPECT_EQ(out[2], QPointF(150.0, 20.0));
}

TEST(FieldPlot, CountsPointsAndIgnoresUnchangedLines) {
    FieldPlot plot;
    QSignalSpy counted(&plot, &FieldPlot::pointCountChanged);
    plot.setLines({{{-1.0, 0.1}, {0.0, 0.2}}, {{0.0, 0.3}}});
    EXPECT_EQ(plot.pointCount(), 2);
    plot.setLines({{{-1.0, 0.1}, {0.0, 0.2}}, {{0.0, 0.3}}});
    EXPECT_EQ(counted.count(), 1);
    plot.setLines({});
    EXPECT_EQ(plot.pointCount(), 0);
}

}  // namespace
}  // namespace soundlab
