#pragma once

#include "ControlBackend.h"

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QVariantList>
#include <QVariantMap>

namespace soundlab {

// The settings file as the Settings tab edits it (docs/install.md "Settings"). An API client
// through its ControlBackend: it shows the document GET /api/settings serves and saves by PUT
// /api/settings, so the checks and messages are the same. Reading and writing the file run where
// the routes run (a worker, never the GUI thread).
class SettingsViewModel : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("provided by the application")

    Q_PROPERTY(QString file READ file NOTIFY changed)
    // One map per setting, as the document's `settings`: key, section, name, file_value (null:
    // not in the file), value (in effect at the next start), origin, switch, list.
    Q_PROPERTY(QVariantList settings READ settings NOTIFY changed)
    Q_PROPERTY(QString error READ error NOTIFY changed)        // the last save's refusal
    Q_PROPERTY(QString errorKey READ errorKey NOTIFY changed)  // the key it is about, if one
    Q_PROPERTY(QString message READ message NOTIFY changed)    // the last save's success
    Q_PROPERTY(bool busy READ busy NOTIFY changed)

public:
    explicit SettingsViewModel(ControlBackend& backend, QObject* parent = nullptr);

    QString file() const { return file_; }
    QVariantList settings() const { return settings_; }
    QString error() const { return error_; }
    QString errorKey() const { return errorKey_; }
    QString message() const { return message_; }
    bool busy() const { return busy_; }

    Q_INVOKABLE void refresh();
    // `patch`: {"api/port": "9000", "audio/device": null, …} as PUT /api/settings takes it.
    Q_INVOKABLE void save(const QVariantMap& patch);

signals:
    void changed();

private:
    void show(const QJsonObject& document);

    ControlBackend& backend_;
    QString file_;
    QVariantList settings_;
    QString error_, errorKey_, message_;
    bool busy_ = false;
};

}  // namespace soundlab
