#include "SettingsViewModel.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QPointer>
#include <QThreadPool>

namespace soundlab {

SettingsViewModel::SettingsViewModel(SettingsFileContext context, QObject* parent)
    : QObject(parent), context_(std::move(context)) {
    refresh();
}

void SettingsViewModel::refresh() {
    run({}, false);
}

void SettingsViewModel::save(const QVariantMap& patch) {
    run(patch, true);
}

void SettingsViewModel::run(QVariantMap patch, bool write) {
    if (busy_) return;
    busy_ = true;
    emit changed();
    QPointer<SettingsViewModel> self(this);
    QThreadPool::globalInstance()->start([self, context = context_, patch, write] {
        std::optional<SettingsSaveError> error;
        if (write) error = saveSettings(context, QJsonObject::fromVariantMap(patch));
        const QJsonObject document = settingsDocument(context);
        QMetaObject::invokeMethod(qApp, [self, error, document, write] {
            if (!self) return;
            self->busy_ = false;
            self->settings_ = document.value(QStringLiteral("settings")).toArray().toVariantList();
            if (write) {
                self->error_ = error ? error->message : QString();
                self->errorKey_ = error ? error->key : QString();
                self->message_ =
                    error ? QString()
                          : tr("Saved to %1. Audio, Φ and the metrics rate apply at a reload "
                               "(SIGHUP); the rest at the next start.")
                                .arg(self->context_.filePath);
            }
            emit self->changed();
        });
    });
}

}  // namespace soundlab
