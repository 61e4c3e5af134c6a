#include "SessionLogViewModel.h"

#include <QDateTime>
#include <QJsonObject>

namespace soundlab {

SessionLogViewModel::SessionLogViewModel(ControlBackend& backend, QObject* parent)
    : QObject(parent), backend_(backend) {
    clear_.setSingleShot(true);
    clear_.setInterval(kMessageMs);
    connect(&clear_, &QTimer::timeout, this, [this] {
        message_.clear();
        emit changed();
    });
}

bool SessionLogViewModel::addMarker(const QString& label) {
    const int number = markers_ + 1;
    const QJsonObject body{{QStringLiteral("label"),
                            label.isEmpty() ? QStringLiteral("M key #%1").arg(number) : label}};
    return backend_.change(
        "POST", QStringLiteral("/api/markers"), body, this,
        [this, number](const BackendReply& reply) {
            if (!reply.ok()) {
                show(tr("No marker: %1").arg(reply.message()));
                return;
            }
            markers_ = number;
            const double timestamp = reply.object().value(QStringLiteral("timestamp")).toDouble();
            const QDateTime when = QDateTime::fromMSecsSinceEpoch(qint64(timestamp * 1000.0));
            show(tr("Marker %1 at %2").arg(number).arg(when.toString(QStringLiteral("HH:mm:ss"))));
        });
}

void SessionLogViewModel::show(const QString& message) {
    message_ = message;
    clear_.start();
    emit changed();
}

}  // namespace soundlab
