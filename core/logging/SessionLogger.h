#pragma once

#include "logging/LogCategory.h"

#include <QJsonObject>
#include <QLockFile>
#include <QString>
#include <QStringList>

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace moodycamel {
struct ConcurrentQueueDefaultTraits;
template <typename T, typename Traits>
class BlockingConcurrentQueue;
}  // namespace moodycamel

namespace soundlab::logging {

// One record of a session log: the same fields go to the CSV (csvColumns()) and the JSONL line.
struct LogRecord {
    Category category = Category::AudioEngine;
    QString type;       // "frame", "stream_started", "gap", "marker", …
    double timestamp = 0.0;  // Unix seconds (the shared time base where the producer has one)
    QJsonObject fields;
};

// Writes one session's logs (SPEC §8, docs/logging.md): a logger thread owns every file; any
// thread but the audio thread hands it records through a bounded lock-free queue and returns at
// once. A full queue drops the record and counts it (status, and a `dropped` record in that
// category's log); a producer never waits. On close() (clean exit) every file is flushed and
// gzip-compressed. At start, the thread first recovers sessions a crash left uncompressed and
// applies the retention, then writes.
//
// When a file cannot be written (disk full, read-only, directory deleted) the records of that
// moment are counted as failed, the error shows in status(), and the logger retries every second:
// logging resumes by itself once the directory is writable again.
//
// Threading: log(), logEverywhere(), status() and flush() from any thread except the audio
// thread; construction, close() and destruction on one control thread.
class SessionLogger {
public:
    struct Options {
        QString root;                  // the log root: <data-dir>/logs or --log-dir
        int capacity = 16384;          // records queued at most
        std::optional<int> keepDays{};  // --log-keep-days: older sessions removed at start
        QString sessionId{};           // empty: a new one (sessions::newId); tests name theirs
    };

    explicit SessionLogger(Options options);
    // close()s.
    ~SessionLogger();
    SessionLogger(const SessionLogger&) = delete;
    SessionLogger& operator=(const SessionLogger&) = delete;

    QString sessionId() const { return sessionId_; }
    QString root() const { return root_; }
    // The file a category writes to while the session runs (".gz" appended after close()).
    QString filePath(Category category, const QString& extension) const;

    // Queues a record stamped now (Unix seconds). False when the queue was full (dropped).
    bool log(Category category, QString type, QJsonObject fields = {});
    bool log(LogRecord record);
    // The same record in every category (markers); returns its timestamp.
    double logEverywhere(const QString& type, const QJsonObject& fields);

    // Blocks until every record queued before the call is written or failed. For tests and
    // orderly shutdown, never for a request path.
    void flush();
    // Writes what is queued, closes and compresses every file; later records are dropped.
    void close();

    struct Status {
        QString sessionId;
        QString root;
        uint64_t written = 0;   // records on disk
        uint64_t dropped = 0;   // queue full
        uint64_t failed = 0;    // could not be written
        QString error;          // the last write error; empty once writing works again
        QStringList recovered;  // sessions recovered at start
        QStringList removed;    // sessions removed by the retention
        bool closed = false;
    };
    Status status() const;

    static double now();

private:
    struct CategoryFiles;
    using Queue = moodycamel::BlockingConcurrentQueue<LogRecord, moodycamel::ConcurrentQueueDefaultTraits>;

    void run();
    void write(const LogRecord& record);
    void housekeeping();
    bool open(CategoryFiles& files);
    void fail(CategoryFiles& files, const QString& error, uint64_t records);
    void finishAll();

    const QString root_;
    const QString sessionId_;
    const size_t capacity_;
    const std::optional<int> keepDays_;
    std::unique_ptr<QLockFile> lock_;
    std::unique_ptr<Queue> queue_;
    std::atomic<int64_t> pending_{0};
    std::array<std::atomic<uint64_t>, kCategories.size()> droppedBy_{};
    std::atomic<bool> accepting_{true};
    std::atomic<bool> stopping_{false};

    // The logger thread's alone.
    std::array<std::unique_ptr<CategoryFiles>, kCategories.size()> files_;
    std::atomic<uint64_t> accepted_{0};  // records put on the queue
    std::atomic<uint64_t> finished_{0};  // records written or failed
    // Guards status_; producers never take it (flush() waits on progress_ with it).
    mutable std::mutex mutex_;
    std::condition_variable progress_;
    Status status_;
    bool closed_ = false;
    std::thread thread_;
};

}  // namespace soundlab::logging
