#pragma once

#include <QObject>
#include <QTimer>

#include <functional>

namespace soundlab {

// The window's one refresh tick, 30 times a second. Every view-model polls its documents on it,
// so their changes land in the same turn of the event loop and the window is drawn once per
// tick. With a timer each (10 and 30 Hz, out of phase) the software renderer drew about 67
// frames a second for 30 Hz of content (docs/benchmarks.md "Control room").
//
// Thread: the GUI thread. One per process, owned by the application object (created on first
// use), so it goes with the application.
class RefreshClock : public QObject {
    Q_OBJECT
public:
    static constexpr int kIntervalMs = 33;
    static constexpr int kTicksPerSecond = 30;

    static RefreshClock& instance();

    // Runs `refresh` on every `everyTicks`-th tick (1: 30 Hz, 3: 10 Hz) while `receiver` lives.
    static void subscribe(QObject* receiver, std::function<void()> refresh, int everyTicks = 1);

signals:
    void tick(quint64 count);

private:
    explicit RefreshClock(QObject* parent);

    QTimer timer_;
    quint64 count_ = 0;
};

}  // namespace soundlab
