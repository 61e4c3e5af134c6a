#include "logging/SessionLogger.h"

#include "logging/GzipFile.h"
#include "logging/LogSessions.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

#include <concurrentqueue/blockingconcurrentqueue.h>

#include <chrono>
#include <vector>
#include <pthread.h>

namespace soundlab::logging {

namespace {

constexpr auto kHousekeepingInterval = std::chrono::seconds(1);
constexpr size_t kBatch = 256;

QByteArray csvField(const QJsonValue& value) {
    QByteArray text;
    switch (value.type()) {
        case QJsonValue::Undefined:
        case QJsonValue::Null:
            return {};
        case QJsonValue::Bool:
            return value.toBool() ? "true" : "false";
        case QJsonValue::Double:
            return QByteArray::number(value.toDouble(), 'g', 12);
        case QJsonValue::String:
            text = value.toString().toUtf8();
            break;
        case QJsonValue::Array:
        case QJsonValue::Object:
            text = value.isArray() ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                                   : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
            break;
    }
    // RFC 4180: quote a field with a comma, quote or line break; double its quotes.
    if (text.contains(',') || text.contains('"') || text.contains('\n') || text.contains('\r'))
        return '"' + text.replace("\"", "\"\"") + '"';
    return text;
}

QString isoTime(double timestamp) {
    return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(timestamp * 1000.0), Qt::UTC)
        .toString(Qt::ISODateWithMs);
}

QByteArray csvHeader(Category category) {
    QByteArray line = "timestamp,type";
    for (const QString& column : csvColumns(category)) line += ',' + column.toUtf8();
    return line + ",detail\n";
}

QByteArray csvLine(const LogRecord& record) {
    QByteArray line = QByteArray::number(record.timestamp, 'f', 6) + ',' + csvField(record.type);
    QJsonObject rest = record.fields;
    for (const QString& column : csvColumns(record.category)) {
        line += ',' + csvField(record.fields.value(column));
        rest.remove(column);
    }
    line += ',';
    if (!rest.isEmpty()) line += csvField(rest);
    return line + '\n';
}

QByteArray jsonlLine(const LogRecord& record) {
    QJsonObject object = record.fields;
    object.insert(QStringLiteral("timestamp"), record.timestamp);
    object.insert(QStringLiteral("time"), isoTime(record.timestamp));
    object.insert(QStringLiteral("type"), record.type);
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

}  // namespace

// One category's two files. A file that failed is closed and reopened by housekeeping().
struct SessionLogger::CategoryFiles {
    Category category;
    QString csvPath;
    QString jsonlPath;
    QFile csv;
    QFile jsonl;
    bool healthy = false;
};

double SessionLogger::now() {
    return static_cast<double>(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

SessionLogger::SessionLogger(Options options)
    : root_(QDir::cleanPath(QDir(options.root).absolutePath())),
      sessionId_(options.sessionId.isEmpty() ? sessions::newId(QDateTime::currentDateTimeUtc())
                                             : options.sessionId),
      capacity_(static_cast<size_t>(std::max(1, options.capacity))),
      keepDays_(options.keepDays),
      queue_(std::make_unique<Queue>(capacity_)) {
    status_.sessionId = sessionId_;
    status_.root = root_;
    QDir().mkpath(QDir(root_).filePath(QStringLiteral(".locks")));
    lock_ = std::make_unique<QLockFile>(sessions::lockFilePath(root_, sessionId_));
    lock_->setStaleLockTime(0);
    lock_->tryLock(0);  // without it (read-only root) recovery by a later run just waits for us
    for (Category category : kCategories) {
        auto files = std::make_unique<CategoryFiles>();
        files->category = category;
        files->csvPath = filePath(category, QStringLiteral("csv"));
        files->jsonlPath = filePath(category, QStringLiteral("jsonl"));
        files_[static_cast<size_t>(category)] = std::move(files);
    }
    thread_ = std::thread([this] { run(); });
}

SessionLogger::~SessionLogger() {
    close();
}

QString SessionLogger::filePath(Category category, const QString& extension) const {
    const QString name = categoryName(category);
    return QDir(root_).filePath(name + '/' + sessionId_ + '_' + name + '.' + extension);
}

bool SessionLogger::log(Category category, QString type, QJsonObject fields) {
    return log(LogRecord{category, std::move(type), now(), std::move(fields)});
}

bool SessionLogger::log(LogRecord record) {
    const size_t index = static_cast<size_t>(record.category);
    if (!accepting_.load(std::memory_order_acquire)) {
        droppedBy_[index].fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    // The bound: a slot is claimed before the record is queued and freed once it is written.
    if (pending_.fetch_add(1, std::memory_order_acq_rel) >= static_cast<int64_t>(capacity_)) {
        pending_.fetch_sub(1, std::memory_order_acq_rel);
        droppedBy_[index].fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    accepted_.fetch_add(1, std::memory_order_acq_rel);
    queue_->enqueue(std::move(record));
    return true;
}

double SessionLogger::logEverywhere(const QString& type, const QJsonObject& fields) {
    const double timestamp = now();
    for (Category category : kCategories) log(LogRecord{category, type, timestamp, fields});
    return timestamp;
}

void SessionLogger::flush() {
    const uint64_t target = accepted_.load(std::memory_order_acquire);
    std::unique_lock lock(mutex_);
    progress_.wait(lock, [&] {
        return closed_ || finished_.load(std::memory_order_acquire) >= target;
    });
}

void SessionLogger::close() {
    if (!thread_.joinable()) return;
    accepting_.store(false, std::memory_order_release);
    stopping_.store(true, std::memory_order_release);
    queue_->enqueue(LogRecord{});  // wakes the thread; an empty type is never written
    thread_.join();
    if (lock_) lock_->unlock();
    QFile::remove(sessions::lockFilePath(root_, sessionId_));
}

SessionLogger::Status SessionLogger::status() const {
    std::lock_guard lock(mutex_);
    Status status = status_;
    status.dropped = 0;
    for (const auto& dropped : droppedBy_) status.dropped += dropped.load();
    return status;
}

void SessionLogger::run() {
    // Named for top -H, gdb and the process tests, which stop this thread alone.
    pthread_setname_np(pthread_self(), "soundlab-log");
    // Start-up work first, on this thread: a big crashed session never delays the application.
    QStringList errors;
    const QStringList recovered = sessions::recoverCrashed(root_, sessionId_, &errors);
    QStringList removed;
    if (keepDays_)
        removed = sessions::removeOlderThan(root_, *keepDays_, sessionId_,
                                            QDateTime::currentDateTimeUtc());
    {
        std::lock_guard lock(mutex_);
        status_.recovered = recovered;
        status_.removed = removed;
        if (!errors.isEmpty()) status_.error = errors.join(QStringLiteral("; "));
    }
    for (auto& files : files_) open(*files);
    std::array<uint64_t, kCategories.size()> droppedWritten{};
    std::vector<LogRecord> batch(kBatch);
    auto lastHousekeeping = std::chrono::steady_clock::now();
    for (;;) {
        const size_t count = queue_->wait_dequeue_bulk_timed(batch.begin(), kBatch,
                                                             std::chrono::milliseconds(200));
        size_t real = 0;
        for (size_t i = 0; i < count; ++i) {
            if (batch[i].type.isEmpty()) continue;  // close()'s wake-up
            write(batch[i]);
            ++real;
        }
        for (auto& files : files_) {
            if (!files->healthy) continue;
            if (!files->csv.flush() || !files->jsonl.flush())
                fail(*files, QStringLiteral("cannot write %1: %2")
                                 .arg(files->csvPath, files->csv.errorString()),
                     0);
        }
        pending_.fetch_sub(static_cast<int64_t>(real), std::memory_order_acq_rel);
        if (real > 0) {
            finished_.fetch_add(real, std::memory_order_acq_rel);
            { std::lock_guard lock(mutex_); }
            progress_.notify_all();
        }
        // Drops are recorded in the log itself, once per category and second at most.
        const auto now = std::chrono::steady_clock::now();
        if (now - lastHousekeeping >= kHousekeepingInterval || count == 0) {
            for (size_t c = 0; c < kCategories.size(); ++c) {
                const uint64_t dropped = droppedBy_[c].load(std::memory_order_relaxed);
                if (dropped == droppedWritten[c] || !accepting_.load()) continue;
                write(LogRecord{kCategories[c], QStringLiteral("dropped"), SessionLogger::now(),
                                QJsonObject{{QStringLiteral("dropped_total"), double(dropped)},
                                            {QStringLiteral("dropped_since_last"),
                                             double(dropped - droppedWritten[c])}}});
                droppedWritten[c] = dropped;
            }
            if (now - lastHousekeeping >= kHousekeepingInterval) {
                housekeeping();
                lastHousekeeping = now;
            }
        }
        if (stopping_.load(std::memory_order_acquire) && queue_->size_approx() == 0) break;
    }
    finishAll();
}

bool SessionLogger::open(CategoryFiles& files) {
    if (!QDir().mkpath(QFileInfo(files.csvPath).path())) {
        fail(files, QStringLiteral("cannot create %1").arg(QFileInfo(files.csvPath).path()), 0);
        return false;
    }
    files.csv.setFileName(files.csvPath);
    files.jsonl.setFileName(files.jsonlPath);
    if (!files.csv.open(QIODevice::WriteOnly | QIODevice::Append) ||
        !files.jsonl.open(QIODevice::WriteOnly | QIODevice::Append)) {
        const QString error = QStringLiteral("cannot open %1: %2")
                                  .arg(files.csv.isOpen() ? files.jsonlPath : files.csvPath,
                                       files.csv.isOpen() ? files.jsonl.errorString()
                                                          : files.csv.errorString());
        fail(files, error, 0);
        return false;
    }
    if (files.csv.size() == 0 && files.csv.write(csvHeader(files.category)) < 0) {
        fail(files, QStringLiteral("cannot write %1: %2").arg(files.csvPath, files.csv.errorString()),
             0);
        return false;
    }
    files.healthy = true;
    return true;
}

void SessionLogger::fail(CategoryFiles& files, const QString& error, uint64_t records) {
    files.csv.close();
    files.jsonl.close();
    files.healthy = false;
    std::lock_guard lock(mutex_);
    status_.failed += records;
    status_.error = error;
}

void SessionLogger::write(const LogRecord& record) {
    CategoryFiles& files = *files_[static_cast<size_t>(record.category)];
    if (!files.healthy) {
        std::lock_guard lock(mutex_);
        ++status_.failed;
        return;
    }
    if (files.csv.write(csvLine(record)) < 0 || files.jsonl.write(jsonlLine(record)) < 0) {
        fail(files, QStringLiteral("cannot write %1: %2").arg(files.csvPath, files.csv.errorString()),
             1);
        return;
    }
    std::lock_guard lock(mutex_);
    ++status_.written;
}

void SessionLogger::housekeeping() {
    bool allHealthy = true;
    for (auto& files : files_) {
        // A deleted directory or file: Linux lets us write on into the unlinked inode, so look.
        if (files->healthy &&
            (!QFileInfo::exists(files->csvPath) || !QFileInfo::exists(files->jsonlPath))) {
            fail(*files, QStringLiteral("%1 was removed").arg(files->csvPath), 0);
        }
        if (!files->healthy && !open(*files)) allHealthy = false;
    }
    if (allHealthy) {
        std::lock_guard lock(mutex_);
        status_.error.clear();
    }
}

void SessionLogger::finishAll() {
    QStringList errors;
    for (auto& files : files_) {
        files->csv.close();
        files->jsonl.close();
        for (const QString& path : {files->csvPath, files->jsonlPath}) {
            // Only regular files: a FIFO or device someone put there is left as it is.
            const QFileInfo info(path);
            if (!info.exists() || !info.isFile() || info.isSymLink()) continue;
            if (auto error = gzipAndRemove(path)) errors << *error;
        }
    }
    std::lock_guard lock(mutex_);
    closed_ = true;
    status_.closed = true;
    if (!errors.isEmpty()) status_.error = errors.join(QStringLiteral("; "));
    progress_.notify_all();
}

}  // namespace soundlab::logging
