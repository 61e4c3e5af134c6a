#pragma once

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QString>
#include <QStringList>
#include <QThread>

#include <csignal>

namespace soundlab::test {

// The JACK server the CTest fixture started (JACK_DEFAULT_SERVER), driven with JACK's own tools.
struct JackServer {
    static QString name() { return qEnvironmentVariable("JACK_DEFAULT_SERVER"); }

    // Runs a JACK command-line tool against the test server (or `server`, through
    // JACK_DEFAULT_SERVER: jackd2 1.9.21's jack_lsp -s copies the name into a buffer one byte
    // short, and a 24-character name corrupts its heap); returns its exit code.
    static int run(const QString& tool, const QStringList& arguments, QString* output = nullptr,
                   const QString& server = {}) {
        QProcess process;
        if (!server.isEmpty()) {
            QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
            environment.insert(QStringLiteral("JACK_DEFAULT_SERVER"), server);
            process.setProcessEnvironment(environment);
        }
        process.start(tool, arguments);
        if (!process.waitForFinished(10000)) return -1;
        if (output) *output = QString::fromLocal8Bit(process.readAllStandardOutput());
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }

    static bool connect(const QString& from, const QString& to) {
        return run(QStringLiteral("jack_connect"), {from, to}) == 0;
    }
    static bool disconnect(const QString& from, const QString& to) {
        return run(QStringLiteral("jack_disconnect"), {from, to}) == 0;
    }
    // Soundlab's output looped to its input (soundlab:out_0 -> soundlab:in_0), with the dummy
    // capture port disconnected so that nothing else reaches the input; on the fixture's server
    // or on `server`.
    static bool loopBackSoundlab(const QString& server = {}) {
        const QString input = QStringLiteral("soundlab:in_0");
        run(QStringLiteral("jack_disconnect"), {QStringLiteral("system:capture_1"), input},
            nullptr, server);  // fails when not connected: fine
        return run(QStringLiteral("jack_connect"), {QStringLiteral("soundlab:out_0"), input},
                   nullptr, server) == 0;
    }
};

// How a JackServerProcess runs jackd's dummy driver.
struct JackServerOptions {
    int sampleRate = 48000;
    int period = 256;
    int capturePorts = 2;
    int playbackPorts = 2;
};

// A JACK server (dummy driver) of a test's own, for tests that kill it without disturbing the
// fixture's. Give it a name unique to the test run; it is killed when this goes out of scope.
class JackServerProcess {
public:
    explicit JackServerProcess(QString name, JackServerOptions options = {})
        : name_(std::move(name)), options_(options) {}
    ~JackServerProcess() {
        stop(SIGTERM);
        if (stale_) reclaim();
        QFile::remove(logPath());
    }
    JackServerProcess(const JackServerProcess&) = delete;
    JackServerProcess& operator=(const JackServerProcess&) = delete;

    static bool installed() {
        return !QStandardPaths::findExecutable(QStringLiteral("jackd")).isEmpty();
    }
    const QString& name() const { return name_; }

    // Starts jackd and waits (up to 10 s) until it answers jack_lsp.
    bool start() {
        stop(SIGKILL);
        process_.setProcessChannelMode(QProcess::MergedChannels);
        process_.setStandardOutputFile(logPath());
        // Like scripts/jack-test-server.sh: no realtime scheduling, which containers rarely allow.
        process_.start(QStringLiteral("jackd"),
                       {QStringLiteral("--no-realtime"), QStringLiteral("-S"), QStringLiteral("-n"),
                        name_, QStringLiteral("-d"), QStringLiteral("dummy"), QStringLiteral("-r"),
                        QString::number(options_.sampleRate), QStringLiteral("-p"),
                        QString::number(options_.period), QStringLiteral("-C"),
                        QString::number(options_.capturePorts), QStringLiteral("-P"),
                        QString::number(options_.playbackPorts)});
        if (!process_.waitForStarted(5000)) return false;
        stale_ = false;  // registering under our name reclaims a stale entry
        for (int i = 0; i < 100; ++i) {
            if (process_.state() != QProcess::Running) return false;
            if (JackServer::run(QStringLiteral("jack_lsp"), {}, nullptr, name_) == 0) return true;
            QThread::msleep(100);
        }
        return false;
    }

    // Sends `signal` (SIGKILL: the server dies at once; SIGTERM: it shuts down in order) and
    // waits for it to exit; SIGKILL follows if it has not within 5 s.
    void stop(int signal) {
        if (process_.state() == QProcess::NotRunning) return;
        const pid_t pid = pid_t(process_.processId());
        ::kill(pid, signal);
        ::kill(pid, SIGCONT);  // a frozen server handles the signal too
        if (!process_.waitForFinished(5000)) {
            process_.kill();
            process_.waitForFinished(5000);
        }
        stale_ = process_.exitStatus() != QProcess::NormalExit;
        // A killed jackd leaves its shared memory and semaphores behind in /dev/shm.
        QDir shm(QStringLiteral("/dev/shm"));
        for (const QString& file : shm.entryList({QStringLiteral("jack_%1_*").arg(name_),
                                                  QStringLiteral("jack_sem.*_%1_*").arg(name_)},
                                                 QDir::Files | QDir::System))
            shm.remove(file);
    }

    // What jackd printed, for failure messages.
    QString log() const {
        QFile file(logPath());
        return file.open(QIODevice::ReadOnly) ? QString::fromLocal8Bit(file.readAll()) : QString();
    }

    // Freezes the server (SIGSTOP): alive but not answering. stop() or the destructor kill it.
    void freeze() { ::kill(pid_t(process_.processId()), SIGSTOP); }
    void thaw() { ::kill(pid_t(process_.processId()), SIGCONT); }

private:
    // A jackd killed without its shutdown leaves its entry in JACK's registry of servers
    // (/dev/shm/jack-shm-registry: 8 entries for all servers of this user on the machine), and
    // only a server of the same name reclaims it. So a server of that name is started and ended
    // properly: killed test servers with unique names would otherwise use the registry up for
    // everyone ("Too many servers already active").
    void reclaim() {
        if (start()) stop(SIGTERM);
    }

    QString logPath() const { return QDir::temp().filePath(name_ + QStringLiteral(".jackd.log")); }

    QString name_;
    JackServerOptions options_;
    QProcess process_;
    bool stale_ = false;
};

}  // namespace soundlab::test
