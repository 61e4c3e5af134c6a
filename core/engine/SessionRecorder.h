#pragma once

#include "engine/RecordingRing.h"
#include "metrics/TimeBase.h"

#include <QString>
#include <QStringList>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace soundlab::logging {
class SessionLogger;
}

namespace soundlab {

// Records the session's audio (issue 13, docs/logging.md "Session audio"): the chain's input
// (mono) and output (stereo) to two FLAC files (libsndfile) under <log-root>/audio,
// `<session>_input.flac` and `<session>_output.flac`, `_2`, `_3`… for later takes.
//
// The audio thread only copies each block into the chain's RecordingRing (and only while a
// recorder listens); this recorder's writer thread encodes. Both files start at the same sample
// position; the first sample's position and heard time (the metrics clock, so that the files
// line up with the metrics frames) go into each file's comment tag and into the `audio_engine`
// log as a `recording` record. A block the ring had to drop is written as silence, so the files
// stay sample-aligned; the frames are counted and logged. A stream restart (new device or rate)
// ends the take and starts the next. Files are written as `<name>.flac.part` and renamed when
// the take ends: no half-written file carries the final name.
//
// Threading: start(), stop() and status() from any thread but the audio thread; start and stop
// are serialised by a control lock and may wait for file I/O (the writer finishing a take), so
// they run on the API's workers, never on its server thread. status() never waits for I/O.
class SessionRecorder {
public:
    struct Options {
        QString directory;  // <log-root>/audio
        QString sessionId;
        // The metrics clock of a stream start (MetricsAnalyzer::timeBase); the writer waits up to
        // clockWaitMs for it, then stamps with its own clock anchored on the first block (the
        // same Unix mapping, without the reported output latency).
        std::function<std::optional<metrics::TimeBase>(uint64_t generation)> clock;
        int clockWaitMs = 1000;
    };

    SessionRecorder(RecordingRing& ring, logging::SessionLogger& log, Options options);
    ~SessionRecorder();  // stops
    SessionRecorder(const SessionRecorder&) = delete;
    SessionRecorder& operator=(const SessionRecorder&) = delete;

    struct Error {
        enum class Kind { AlreadyRecording, NotRecording, Unwritable };
        Kind kind;
        QString message;
    };
    // Starts a take: the writer thread listens from the next block on (while the stream is
    // stopped it waits; the files are opened with the first block).
    std::optional<Error> start();
    // Writes what is queued, finishes and renames the files.
    std::optional<Error> stop();

    struct Status {
        bool recording = false;
        QString directory;
        QStringList files;           // final names of this recording's takes (latest recording)
        uint64_t frames = 0;         // frames per file written so far, silence for drops included
        uint64_t droppedFrames = 0;  // frames the ring could not take (written as silence)
        std::optional<double> startedAt;             // Unix seconds of the start request
        std::optional<int64_t> firstSamplePosition;  // of the current (latest) take
        std::optional<double> firstSampleHeardUnix;
        std::optional<double> sampleRate;
        QString clock;  // "metrics" or "recorder"
        QString error;  // why the recording ended by itself (write error); empty otherwise
    };
    Status status() const;

private:
    struct Take;

    void run();
    void write(const RecordingBlock& block, const RecordingSample* samples);
    bool openTake(const RecordingBlock& block);
    void finishTake();
    void fail(const QString& message);
    int freeTakeNumber(int after) const;  // looks at the disk: never under statusMutex_
    QString fileName(int take, const char* stream) const;

    RecordingRing& ring_;
    logging::SessionLogger& log_;
    const Options options_;

    std::mutex controlMutex_;  // start/stop
    std::thread thread_;

    // Writer wake-up and its quit flag.
    std::mutex wakeMutex_;
    std::condition_variable wake_;
    bool quit_ = false;
    bool attached_ = false;

    // The writer thread's alone.
    std::unique_ptr<Take> take_;
    bool failed_ = false;

    mutable std::mutex statusMutex_;  // short: copies of the status
    Status status_;
    // Written by start()/stop() while no writer runs, and by the writer (openTake).
    int reservedTake_ = 0;  // the take number start() gave the first take; 0: used or none
    int lastTake_ = 0;      // the highest take number used in this session
};

}  // namespace soundlab
