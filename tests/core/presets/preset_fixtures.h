#pragma once

// Shared test data for the preset tests: JSON literals, the seed README's example and a
// controllable clock.

#include <QByteArray>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QMap>
#include <QString>
#include <functional>

#include "logging/SessionLogger.h"
#include "presets/PresetAuditLog.h"
#include <memory>
#include <ostream>

// Readable GoogleTest failure messages for Qt values (found by argument-dependent lookup).
inline void PrintTo(const QString& text, std::ostream* out) {
    *out << '"' << text.toStdString() << '"';
}
inline void PrintTo(const QJsonObject& object, std::ostream* out) {
    *out << QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString();
}
inline void PrintTo(const QJsonValue& value, std::ostream* out) {
    *out << QJsonDocument(QJsonObject{{QStringLiteral("v"), value}})
                .toJson(QJsonDocument::Compact)
                .toStdString();
}

namespace soundlab::presets::testing {

inline QJsonObject jsonObject(const char* text) {
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray(text), &error);
    if (error.error != QJsonParseError::NoError) qFatal("bad test JSON: %s", text);
    return document.object();
}

// The body of "POST /api/presets" in /work/shared/seed/soundlab-server-README.md, verbatim.
inline QJsonObject seedReadmeExample() {
    return jsonObject(R"({
      "name": "My Preset",
      "tags": ["experimental", "spatial"],
      "engine": {
        "coupling_strength": 1.5,
        "frequencies": [0.5, 0.81, 1.31, 2.12, 3.43, 5.55, 8.97, 14.52],
        "amplitudes": [0.6, 0.55, 0.5, 0.45, 0.4, 0.35, 0.3, 0.25]
      },
      "phi": {
        "mode": "audio",
        "depth": 0.618
      },
      "downmix": {
        "strategy": "spatial"
      }
    })");
}

// A clock the test advances by hand, so modified_at orders are known.
class ManualClock {
public:
    explicit ManualClock(QDateTime start = QDateTime(QDate(2025, 3, 1), QTime(12, 0), Qt::UTC))
        : now_(std::make_shared<QDateTime>(start)) {}
    std::function<QDateTime()> function() const {
        auto now = now_;
        return [now] { return *now; };
    }
    QDateTime now() const { return *now_; }
    void advanceSeconds(int seconds) { *now_ = now_->addSecs(seconds); }

private:
    std::shared_ptr<QDateTime> now_;
};

// Every file of a directory with its bytes, to show that nothing changed.
inline QMap<QString, QByteArray> directorySnapshot(const QString& path) {
    QMap<QString, QByteArray> snapshot;
    const QDir dir(path);
    for (const QString& name : dir.entryList(QDir::Files | QDir::Hidden, QDir::Name)) {
        QFile file(dir.filePath(name));
        file.open(QIODevice::ReadOnly);
        snapshot.insert(name, file.readAll());
    }
    return snapshot;
}

}  // namespace soundlab::presets::testing

namespace soundlab::presets {
// A session log under `root` with the preset audit trail on it, as the app wires them.
struct TestAuditLog {
    explicit TestAuditLog(const QString& root) : session({root}), audit(session) {}
    logging::SessionLogger session;
    PresetAuditLog audit;
};
}  // namespace soundlab::presets
