#pragma once

#include "ControlBackend.h"

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QString>
#include <QTimer>

namespace soundlab {

// The session log as QML sees it: the marker key (M) puts a `marker` record into every
// category's log through POST /api/markers (its ControlBackend), and the status
// bar shows what happened for a few seconds.
class SessionLogViewModel : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("provided by the application")

    // "Marker 3 at 12:04:05", or why there is none; empty again after kMessageMs.
    Q_PROPERTY(QString message READ message NOTIFY changed)
    // Markers this GUI has added.
    Q_PROPERTY(int markers READ markers NOTIFY changed)

public:
    static constexpr int kMessageMs = 4000;

    explicit SessionLogViewModel(ControlBackend& backend, QObject* parent = nullptr);

    QString message() const { return message_; }
    int markers() const { return markers_; }

    // Adds a marker labelled `label`, or "M key #n" (n: this one's number) when empty. True when
    // it was logged.
    Q_INVOKABLE bool addMarker(const QString& label = {});

signals:
    void changed();

private:
    void show(const QString& message);

    ControlBackend& backend_;
    QTimer clear_;
    QString message_;
    int markers_ = 0;
};

}  // namespace soundlab
