#include "RefreshClock.h"

#include <QCoreApplication>
#include <QPointer>

namespace soundlab {

RefreshClock::RefreshClock(QObject* parent) : QObject(parent) {
    timer_.setInterval(kIntervalMs);
    connect(&timer_, &QTimer::timeout, this, [this] { emit tick(++count_); });
    timer_.start();
}

RefreshClock& RefreshClock::instance() {
    // A child of the application: destroyed with it, made again if a test makes a new one.
    static QPointer<RefreshClock> clock;
    if (!clock) clock = new RefreshClock(QCoreApplication::instance());
    return *clock;
}

void RefreshClock::subscribe(QObject* receiver, std::function<void()> refresh, int everyTicks) {
    const quint64 every = quint64(std::max(1, everyTicks));
    connect(&instance(), &RefreshClock::tick, receiver,
            [refresh = std::move(refresh), every](quint64 count) {
                if (count % every == 0) refresh();
            });
}

}  // namespace soundlab
