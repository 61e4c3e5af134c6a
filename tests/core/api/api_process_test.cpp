// The real `soundlab --no-gui` process, driven by clients we did not write (curl) and by
// QWebSocket: what an operator or a script sees.

#include "ApiTestSupport.h"

#include <gtest/gtest.h>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <csignal>

using namespace soundlab::api::test;

namespace {

// One soundlab process; reads its "listening on http://ADDR:PORT" line.
class SoundlabProcess {
public:
    explicit SoundlabProcess(const QStringList& extraArguments,
                             const QList<QPair<QString, QString>>& environment = {}) {
        qtApp();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.remove(QStringLiteral("SOUNDLAB_TOKEN"));
        for (const auto& [name, value] : environment) env.insert(name, value);
        process_.setProcessEnvironment(env);
        process_.start(QStringLiteral(SOUNDLAB_BINARY),
                       QStringList{"--no-gui", "--device", "virtual", "--data-dir", data_.path(),
                                   "--no-logging"} +
                           extraArguments);
    }
    ~SoundlabProcess() {
        if (process_.state() != QProcess::NotRunning) {
            process_.kill();
            process_.waitForFinished(5000);
        }
    }

    // Waits for the listening line; returns the base URL or an empty string.
    QString waitForListening(int timeoutMs = 15000) {
        static const QRegularExpression line(QStringLiteral("listening on (http://\\S+:(\\d+))"));
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < timeoutMs && process_.state() != QProcess::NotRunning) {
            process_.waitForReadyRead(100);
            out_ += process_.readAllStandardOutput();
            const auto match = line.match(QString::fromLocal8Bit(out_));
            if (match.hasMatch()) {
                port = match.captured(2).toUShort();
                return match.captured(1);
            }
        }
        return {};
    }
    // Sends `signal` and waits for the exit code (-1 if it did not exit).
    int terminate(int signal = SIGTERM) {
        ::kill(pid_t(process_.processId()), signal);
        if (!process_.waitForFinished(10000)) return -1;
        return process_.exitStatus() == QProcess::NormalExit ? process_.exitCode() : -1;
    }
    int waitForExit() {
        if (!process_.waitForFinished(15000)) return -1;
        return process_.exitCode();
    }
    QString standardError() { return QString::fromLocal8Bit(process_.readAllStandardError()); }

    quint16 port = 0;

private:
    QTemporaryDir data_;
    QProcess process_;
    QByteArray out_;
};

struct CurlResult {
    int status = 0;
    QByteArray body;
};

// Runs curl and splits its output into body and status code.
CurlResult curl(const QStringList& arguments) {
    QProcess p;
    p.start(QStringLiteral("curl"),
            QStringList{"-sS", "-w", "\n%{http_code}", "--max-time", "20"} + arguments);
    CurlResult r;
    if (!p.waitForFinished(30000)) return r;
    const QByteArray out = p.readAllStandardOutput();
    const qsizetype newline = out.lastIndexOf('\n');
    r.status = out.mid(newline + 1).trimmed().toInt();
    r.body = out.left(newline);
    return r;
}

QJsonObject json(const QByteArray& body) {
    return QJsonDocument::fromJson(body).object();
}

}  // namespace

TEST(ApiProcess, ServesTheApiToCurlAndStopsCleanlyOnSigterm) {
    SoundlabProcess soundlab({"--port", "0"});
    const QString base = soundlab.waitForListening();
    ASSERT_FALSE(base.isEmpty()) << soundlab.standardError().toStdString();
    EXPECT_TRUE(base.startsWith("http://127.0.0.1:"));

    CurlResult r = curl({base + "/api/status"});
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_FALSE(json(r.body).value("audio_running").toBool());

    r = curl({"-X", "POST", base + "/api/audio/start"});
    EXPECT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_TRUE(json(r.body).value("audio_running").toBool());
    r = curl({"-X", "POST", base + "/api/audio/start"});
    EXPECT_EQ(r.status, 200);

    r = curl({base + "/api/audio/performance"});
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(json(r.body).contains("xruns"));
    r = curl({"-X", "POST", "-H", "Content-Type: application/json", "--data",
              R"({"buffer_size":256})", base + "/api/audio/device"});
    EXPECT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(json(r.body).value("buffer_size").toInt(), 256);
    r = curl({"-X", "DELETE", base + "/api/status"});
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(json(r.body).value("error").toObject().value("code").toString(),
              "method_not_allowed");
    r = curl({base + "/api/nothing"});
    EXPECT_EQ(r.status, 404);
    r = curl({base + "/api/openapi.json"});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(json(r.body).value("openapi").toString(), "3.1.0");

    QTemporaryDir dir;
    QFile big(dir.filePath("big.json"));
    ASSERT_TRUE(big.open(QIODevice::WriteOnly));
    big.write(QByteArray(20 << 20, ' '));
    big.close();
    r = curl({"-X", "POST", "-H", "Content-Type: application/json", "--data-binary",
              "@" + big.fileName(), base + "/api/audio/device"});
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(curl({base + "/healthz"}).status, 200);

    r = curl({"-X", "POST", base + "/api/audio/stop"});
    EXPECT_FALSE(json(r.body).value("audio_running").toBool());
    EXPECT_EQ(soundlab.terminate(SIGTERM), 0);
}

TEST(ApiProcess, TokenFromTheEnvironmentGuardsEveryRouteButHealthz) {
    SoundlabProcess soundlab({"--port", "0"}, {{"SOUNDLAB_TOKEN", "env-t0ken"}});
    const QString base = soundlab.waitForListening();
    ASSERT_FALSE(base.isEmpty()) << soundlab.standardError().toStdString();
    EXPECT_EQ(curl({base + "/healthz"}).status, 200);
    EXPECT_EQ(curl({base + "/api/status"}).status, 401);
    EXPECT_EQ(curl({"-H", "Authorization: Bearer nope", base + "/api/status"}).status, 401);
    EXPECT_EQ(curl({"-H", "Authorization: Bearer env-t0ken", base + "/api/status"}).status, 200);

    WsClient bad;
    bad.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/status?token=nope").arg(soundlab.port)));
    ASSERT_TRUE(waitFor([&] { return bad.closed; }));
    EXPECT_EQ(bad.closeCode, 4001);
    WsClient good;
    ASSERT_TRUE(good.open(
        QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/status?token=env-t0ken").arg(soundlab.port))));
    EXPECT_TRUE(waitFor([&] { return good.messages.size() >= 3; }, 3000));
    EXPECT_EQ(soundlab.terminate(SIGINT), 0);
}

TEST(ApiProcess, RefusesToListenBeyondLoopbackWithoutATokenUnlessInsecure) {
    SoundlabProcess refused({"--host", "0.0.0.0", "--port", "0"});
    EXPECT_NE(refused.waitForExit(), 0);
    const QString error = refused.standardError();
    EXPECT_TRUE(error.contains("--token")) << error.toStdString();
    EXPECT_TRUE(error.contains("--insecure")) << error.toStdString();

    SoundlabProcess insecure({"--host", "0.0.0.0", "--port", "0", "--insecure"});
    const QString base = insecure.waitForListening();
    EXPECT_TRUE(base.startsWith("http://0.0.0.0:")) << base.toStdString();
    EXPECT_EQ(curl({QStringLiteral("http://127.0.0.1:%1/healthz").arg(insecure.port)}).status, 200);
    EXPECT_EQ(insecure.terminate(), 0);
}
