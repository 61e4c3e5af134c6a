#include "SessionLogViewModel.h"

#include <QDateTime>

namespace soundlab {

SessionLogViewModel::SessionLogViewModel(GuiApiClient& api, QObject* parent)
    : QObject(parent), api_(api) {
    clear_.setSingleShot(true);
    clear_.setInterval(kMessageMs);
    connect(&clear_, &QTimer::timeout, this, [this] {
        message_.clear();
        emit changed();
    });
}

bool SessionLogViewModel::addMarker(const QString& label) {
    const int number = markers_ + 1;
    const auto answer =
        api_.addMarker(label.isEmpty() ? QStringLiteral("M key #%1").arg(number) : label);
    if (const auto* error = std::get_if<api::ApiError>(&answer)) {
        show(tr("No marker: %1").arg(error->message));
        return false;
    }
    markers_ = number;
    const double timestamp =
        std::get<QJsonObject>(answer).value(QStringLiteral("timestamp")).toDouble();
    const QDateTime when = QDateTime::fromMSecsSinceEpoch(qint64(timestamp * 1000.0));
    show(tr("Marker %1 at %2").arg(number).arg(when.toString(QStringLiteral("HH:mm:ss"))));
    return true;
}

void SessionLogViewModel::show(const QString& message) {
    message_ = message;
    clear_.start();
    emit changed();
}

}  // namespace soundlab
