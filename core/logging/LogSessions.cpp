#include "logging/LogSessions.h"

#include "logging/GzipFile.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QMap>
#include <QRandomGenerator>
#include <QRegularExpression>

namespace soundlab::logging::sessions {

namespace {

const QString kIdPattern = QStringLiteral("[0-9]{8}T[0-9]{6}Z-[0-9a-f]{4}");

// "<id>_<anything>": the session a file belongs to.
QString idOfFile(const QString& name) {
    static const QRegularExpression pattern(QStringLiteral("^(%1)_").arg(kIdPattern));
    const auto match = pattern.match(name);
    return match.hasMatch() ? match.captured(1) : QString();
}

// The folders a session's files live in: the five categories and the session audio.
QStringList folders() {
    QStringList names;
    for (Category category : kCategories) names << categoryName(category);
    names << QStringLiteral("audio");
    return names;
}

// True when no live process holds the session's lock file (its writer is gone).
bool writerIsGone(const QString& root, const QString& id) {
    QLockFile lock(lockFilePath(root, id));
    lock.setStaleLockTime(0);
    if (!lock.tryLock(0)) {
        // Held by a live process, or a stale lock QLockFile could not remove.
        return lock.error() != QLockFile::LockFailedError;
    }
    lock.unlock();
    return true;
}

// Cuts a file after its last complete line.
bool dropPartialLastLine(QFile& file) {
    const qint64 size = file.size();
    if (size == 0) return true;
    qint64 end = size;
    const qint64 chunk = 4096;
    while (end > 0) {
        const qint64 start = std::max<qint64>(0, end - chunk);
        file.seek(start);
        const QByteArray tail = file.read(end - start);
        const qsizetype newline = tail.lastIndexOf('\n');
        if (newline >= 0) return file.resize(start + newline + 1);
        end = start;
    }
    return file.resize(0);
}

}  // namespace

bool isValidId(const QString& id) {
    static const QRegularExpression pattern(QStringLiteral("^%1$").arg(kIdPattern));
    return pattern.match(id).hasMatch();
}

QDateTime startOf(const QString& id) {
    if (!isValidId(id)) return {};
    QDateTime time = QDateTime::fromString(id.left(15), QStringLiteral("yyyyMMdd'T'HHmmss"));
    time.setTimeSpec(Qt::UTC);
    return time;
}

QString newId(const QDateTime& startUtc) {
    // The short id is the millisecond (three hex digits, 000–3e7) and one random digit: ids of
    // sessions started within the same second still sort by start time, and two processes
    // starting in the same millisecond are still told apart 15 times in 16 (and their lock files
    // keep them from touching each other's files the 16th time).
    const QDateTime utc = startUtc.toUTC();
    return utc.toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z-'")) +
           QStringLiteral("%1").arg(utc.time().msec(), 3, 16, QLatin1Char('0')) +
           QString::number(QRandomGenerator::global()->bounded(16), 16);
}

QString lockFilePath(const QString& root, const QString& id) {
    return QDir(root).filePath(QStringLiteral(".locks/") + id + QStringLiteral(".lock"));
}

QList<Session> list(const QString& root) {
    QMap<QString, Session> byId;
    for (const QString& folder : folders()) {
        const QDir dir(QDir(root).filePath(folder));
        for (const QFileInfo& info : dir.entryInfoList(QDir::Files, QDir::Name)) {
            const QString id = idOfFile(info.fileName());
            if (id.isEmpty() || info.fileName().endsWith(QStringLiteral(".part"))) continue;
            Session& session = byId[id];
            session.id = id;
            session.started = startOf(id);
            session.files.append(SessionFile{info.fileName(), folder, info.absoluteFilePath(),
                                             info.size(),
                                             info.fileName().endsWith(QStringLiteral(".gz"))});
        }
    }
    QList<Session> sessions = byId.values();
    std::reverse(sessions.begin(), sessions.end());  // ids sort by start time
    return sessions;
}

std::optional<SessionFile> find(const QString& root, const QString& id, const QString& name) {
    if (!isValidId(id) || idOfFile(name) != id) return std::nullopt;
    for (const Session& session : list(root)) {
        if (session.id != id) continue;
        for (const SessionFile& file : session.files)
            if (file.name == name) return file;
    }
    return std::nullopt;
}

QJsonArray toJson(const QList<Session>& sessions) {
    QJsonArray array;
    for (const Session& session : sessions) {
        QJsonArray files;
        qint64 total = 0;
        for (const SessionFile& file : session.files) {
            files.append(QJsonObject{{QStringLiteral("name"), file.name},
                                     {QStringLiteral("category"), file.category},
                                     {QStringLiteral("bytes"), double(file.bytes)},
                                     {QStringLiteral("compressed"), file.compressed}});
            total += file.bytes;
        }
        array.append(QJsonObject{
            {QStringLiteral("id"), session.id},
            {QStringLiteral("started"), session.started.toString(Qt::ISODate)},
            {QStringLiteral("bytes"), double(total)},
            {QStringLiteral("files"), files}});
    }
    return array;
}

QStringList recoverCrashed(const QString& root, const QString& current, QStringList* errors) {
    QStringList recovered;
    const double now = static_cast<double>(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    for (const Session& session : list(root)) {
        if (session.id == current) continue;
        bool open = false;
        for (const SessionFile& file : session.files)
            if (!file.compressed && file.category != QStringLiteral("audio")) open = true;
        if (!open || !writerIsGone(root, session.id)) continue;
        for (const SessionFile& file : session.files) {
            if (file.compressed || file.category == QStringLiteral("audio")) continue;
            QFile f(file.path);
            if (!f.open(QIODevice::ReadWrite) || !dropPartialLastLine(f)) {
                if (errors) *errors << QStringLiteral("cannot recover %1").arg(file.path);
                continue;
            }
            f.seek(f.size());
            // The record that says so: same shape as the logger's (csvColumns() empty cells).
            if (file.name.endsWith(QStringLiteral(".csv"))) {
                const auto category = categoryFromName(file.category);
                QByteArray line = QByteArray::number(now, 'f', 6) + ",recovered";
                if (category)
                    for (qsizetype i = 0; i < csvColumns(*category).size(); ++i) line += ',';
                line += ",\"{\"\"reason\"\":\"\"the session ended without closing its logs; its "
                        "last partial line was dropped\"\"}\"\n";
                f.write(line);
            } else {
                const QJsonObject record{
                    {QStringLiteral("timestamp"), now},
                    {QStringLiteral("time"), QDateTime::fromMSecsSinceEpoch(qint64(now * 1000),
                                                                            Qt::UTC)
                                                 .toString(Qt::ISODateWithMs)},
                    {QStringLiteral("type"), QStringLiteral("recovered")},
                    {QStringLiteral("reason"),
                     QStringLiteral("the session ended without closing its logs; its last "
                                    "partial line was dropped")}};
                f.write(QJsonDocument(record).toJson(QJsonDocument::Compact) + '\n');
            }
            f.close();
            if (auto error = gzipAndRemove(file.path); error && errors) *errors << *error;
        }
        QFile::remove(lockFilePath(root, session.id));
        recovered << session.id;
    }
    return recovered;
}

QStringList removeOlderThan(const QString& root, int days, const QString& current,
                            const QDateTime& now) {
    QStringList removed;
    const QDateTime limit = now.addDays(-days);
    for (const Session& session : list(root)) {
        if (session.id == current || !session.started.isValid() || session.started >= limit)
            continue;
        if (!writerIsGone(root, session.id)) continue;
        for (const SessionFile& file : session.files) QFile::remove(file.path);
        removed << session.id;
    }
    return removed;
}

}  // namespace soundlab::logging::sessions
