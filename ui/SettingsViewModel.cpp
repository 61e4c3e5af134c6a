#include "SettingsViewModel.h"

#include <QJsonArray>

namespace soundlab {

SettingsViewModel::SettingsViewModel(ControlBackend& backend, QObject* parent)
    : QObject(parent), backend_(backend) {
    refresh();
}

void SettingsViewModel::show(const QJsonObject& document) {
    file_ = document.value(QLatin1String("file")).toString();
    settings_ = document.value(QLatin1String("settings")).toArray().toVariantList();
}

void SettingsViewModel::refresh() {
    if (busy_) return;
    busy_ = true;
    emit changed();
    backend_.get(QStringLiteral("/api/settings"), this, [this](const BackendReply& reply) {
        busy_ = false;
        if (reply.ok()) show(reply.object());
        emit changed();
    });
}

void SettingsViewModel::save(const QVariantMap& patch) {
    if (busy_) return;
    busy_ = true;
    emit changed();
    backend_.send("PUT", QStringLiteral("/api/settings"), QJsonObject::fromVariantMap(patch), this,
                  [this](const BackendReply& reply) {
                      busy_ = false;
                      if (reply.ok()) {
                          show(reply.object());
                          error_.clear();
                          errorKey_.clear();
                          message_ =
                              tr("Saved to %1. Audio, Φ and the metrics rate apply at a reload "
                                 "(SIGHUP); the rest at the next start.")
                                  .arg(file_);
                      } else {
                          error_ = reply.message();
                          // The key the refusal is about, as PUT /api/settings names it.
                          errorKey_ = reply.object()
                                          .value(QLatin1String("error"))
                                          .toObject()
                                          .value(QLatin1String("fields"))
                                          .toArray()
                                          .at(0)
                                          .toObject()
                                          .value(QLatin1String("field"))
                                          .toString();
                          message_.clear();
                      }
                      emit changed();
                  });
}

}  // namespace soundlab
