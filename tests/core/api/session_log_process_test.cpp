// The real `soundlab --no-gui` process and its session logs (issue 13, docs/logging.md): every
// category written and gzipped on a clean exit, a SIGKILLed session recovered at the next start,
// markers, the log routes, driven by curl and read back with zcat.

#include "SessionLogFiles.h"
#include "logging/GzipFile.h"

#include <gtest/gtest.h>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>

#include <csignal>
#include <unistd.h>

using namespace soundlab::api::test;

TEST(SessionLogProcess, ARunWritesEveryCategoryAndCompressesItOnExit) {
    QTemporaryDir logs;
    SoundlabProcess soundlab({"--port", "0", "--log-dir", logs.path(), "--auto-start-audio",
                              "--virtual-loopback-delay", "1000"});
    const QString base = soundlab.waitForListening();
    ASSERT_FALSE(base.isEmpty()) << soundlab.standardError().toStdString();
    const QString session = sessionOf(base);
    ASSERT_FALSE(session.isEmpty());

    CurlResult r = postJson(base + "/api/markers", R"({"label": "take 1"})");
    ASSERT_EQ(r.status, 201) << r.body.toStdString();
    EXPECT_EQ(r.json().value("session").toString(), session);
    EXPECT_EQ(postJson(base + "/api/markers", R"({"label": ""})").status, 422);
    r = postJson(base + "/api/engine", R"({"engine": {"coupling_strength": 1.25}})", "PUT");
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    // Φ: three sensor samples (one, then a batch of two) and a source switch.
    ASSERT_EQ(postJson(base + "/api/phi/sensor", R"({"heart_rate_bpm": 72, "gsr": 0.4})").status,
              200);
    ASSERT_EQ(postJson(base + "/api/phi/sensor", R"([{"gsr": 0.5}, {"gsr": 0.6}])").status, 200);
    ASSERT_EQ(postJson(base + "/api/phi", R"({"mode": "internal"})", "PUT").status, 200);
    ASSERT_EQ(curl({"-X", "POST", base + "/api/latency/calibrate"}).status, 202);
    QThread::msleep(2500);  // a few of the 1 Hz status records

    // The running session is listed with its ten files, and one can be downloaded.
    r = curl({base + "/api/logs/sessions"});
    ASSERT_EQ(r.status, 200);
    const QJsonObject listed = r.json();
    EXPECT_EQ(listed.value("current").toString(), session);
    const QJsonObject current = listed.value("sessions").toArray().at(0).toObject();
    EXPECT_EQ(current.value("id").toString(), session);
    EXPECT_EQ(current.value("files").toArray().size(), 10);
    const QString download = logs.filePath("download.csv");
    r = curl({"-o", download,
              base + "/api/logs/sessions/" + session + "/" + session + "_audio_engine.csv"});
    EXPECT_EQ(r.status, 200);
    QFile downloaded(download);
    ASSERT_TRUE(downloaded.open(QIODevice::ReadOnly));
    EXPECT_TRUE(downloaded.readAll().startsWith("timestamp,type,"));
    EXPECT_EQ(curl({base + "/api/logs/sessions/" + session + "/..%2F..%2Fetc%2Fpasswd"}).status,
              404);
    EXPECT_EQ(curl({base + "/api/logs/sessions/nope/x.csv"}).status, 404);

    EXPECT_EQ(soundlab.terminate(), 0);

    for (const QString& category : kLogCategories) {
        SCOPED_TRACE(category.toStdString());
        const QString base = logs.filePath(category + "/" + session + "_" + category);
        EXPECT_FALSE(QFile::exists(base + ".csv"));
        EXPECT_FALSE(QFile::exists(base + ".jsonl"));
        const QByteArray csv = zcat(base + ".csv.gz");
        const QByteArray jsonl = zcat(base + ".jsonl.gz");
        EXPECT_TRUE(csv.startsWith("timestamp,type,")) << csv.left(200).toStdString();
        const QList<QJsonObject> records = jsonRecords(jsonl);
        // The same records in both: one CSV row each, after the header.
        EXPECT_EQ(csv.count('\n'), records.size() + 1);
        EXPECT_TRUE(typesOf(records).contains("marker"));
    }
    const QList<QJsonObject> engine = jsonRecords(zcat(
        logs.filePath("audio_engine/" + session + "_audio_engine.jsonl.gz")));
    const QStringList types = typesOf(engine);
    EXPECT_EQ(types.first(), "session_start");
    EXPECT_EQ(types.last(), "session_end");
    EXPECT_TRUE(types.contains("stream"));
    EXPECT_GE(types.count("status"), 2);
    bool sawControl = false;
    QStringList controlPaths;
    for (const QJsonObject& record : engine) {
        if (record.value("type") != "control") continue;
        controlPaths << record.value("path").toString();
        if (record.value("path") != "/api/engine") continue;
        sawControl = true;
        EXPECT_EQ(record.value("method").toString(), "PUT");
        EXPECT_EQ(record.value("client").toString(), "127.0.0.1");
        EXPECT_EQ(record.value("status").toInt(), 200);
        EXPECT_EQ(record.value("body").toObject().value("engine").toObject().value(
                      "coupling_strength").toDouble(),
                  1.25);
    }
    EXPECT_TRUE(sawControl);
    // Markers are in the log as markers and sensor samples in the Φ log, not as control requests.
    EXPECT_EQ(controlPaths, (QStringList{"/api/engine", "/api/phi", "/api/latency/calibrate"}));

    // Metrics: every frame of the analysis (30 Hz), frame_id +1, no gap.
    const QList<QJsonObject> metrics =
        jsonRecords(zcat(logs.filePath("metrics/" + session + "_metrics.jsonl.gz")));
    QList<QJsonObject> frames;
    for (const QJsonObject& record : metrics)
        if (record.value("type") == "frame") frames << record;
    EXPECT_FALSE(typesOf(metrics).contains("gap"));
    ASSERT_GE(frames.size(), 60);
    for (int i = 1; i < frames.size(); ++i)
        ASSERT_EQ(frames[i].value("frame_id").toInteger(),
                  frames[i - 1].value("frame_id").toInteger() + 1);
    const double span =
        frames.last().value("timestamp").toDouble() - frames.first().value("timestamp").toDouble();
    EXPECT_NEAR(double(frames.size() - 1), span * 30.0, 1.0);
    EXPECT_TRUE(frames.first().contains("consciousness_level") && frames.first().contains("state"));

    const QList<QJsonObject> latency =
        jsonRecords(zcat(logs.filePath("latency/" + session + "_latency.jsonl.gz")));
    const QStringList latencyTypes = typesOf(latency);
    EXPECT_GE(latencyTypes.count("frame"), 20);  // 10 Hz over ≥ 2.5 s
    EXPECT_EQ(latencyTypes.count("calibration_start"), 1);
    ASSERT_EQ(latencyTypes.count("calibration"), 1);
    const QJsonObject calibration = latency.at(int(latencyTypes.indexOf("calibration")));
    EXPECT_EQ(calibration.value("verdict").toString(), "ok")
        << QJsonDocument(calibration).toJson().toStdString();
    EXPECT_NEAR(calibration.value("round_trip_samples").toDouble(), 1000.0, 0.01);

    const QList<QJsonObject> phi = jsonRecords(zcat(
        logs.filePath("phi_modulator/" + session + "_phi_modulator.jsonl.gz")));
    const QStringList phiTypes = typesOf(phi);
    EXPECT_EQ(phiTypes.count("sensor"), 3);  // every accepted sample
    EXPECT_GE(phiTypes.count("state"), 20);  // 10 Hz over ≥ 2.5 s
    QList<double> gsr;
    double switched = 0, fadeStart = 0, fadeEnd = 0;
    for (const QJsonObject& record : phi) {
        const QString type = record.value("type").toString();
        if (type == "sensor") gsr << record.value("gsr").toDouble(-1);
        if (type == "switch") {
            EXPECT_EQ(record.value("from").toString(), "manual");
            EXPECT_EQ(record.value("to").toString(), "internal");
            switched = record.value("timestamp").toDouble();
        }
        if (type == "crossfade_start") fadeStart = record.value("timestamp").toDouble();
        if (type == "crossfade_end") fadeEnd = record.value("timestamp").toDouble();
    }
    EXPECT_EQ(gsr, (QList<double>{0.4, 0.5, 0.6}));
    ASSERT_GT(switched, 0);
    ASSERT_GT(fadeStart, 0);
    ASSERT_GT(fadeEnd, 0);
    // The fade as the audio thread ran it: 100 ms, starting within a few blocks of the request.
    EXPECT_NEAR(fadeEnd - fadeStart, 0.1, 0.05);
    EXPECT_LT(std::fabs(fadeStart - switched), 0.1);
}

TEST(SessionLogProcess, ASessionKilledMidRunIsRecoveredByTheNextStart) {
    QTemporaryDir logs;
    QString killed;
    {
        SoundlabProcess soundlab({"--port", "0", "--log-dir", logs.path()});
        const QString base = soundlab.waitForListening();
        ASSERT_FALSE(base.isEmpty()) << soundlab.standardError().toStdString();
        killed = sessionOf(base);
        ASSERT_EQ(postJson(base + "/api/markers", R"({"label": "before the crash"})").status, 201);
        QThread::msleep(500);
        EXPECT_EQ(soundlab.terminate(SIGKILL), -1);
    }
    ASSERT_TRUE(QFile::exists(logs.filePath("metrics/" + killed + "_metrics.jsonl")));

    SoundlabProcess again({"--port", "0", "--log-dir", logs.path()});
    const QString base = again.waitForListening();
    ASSERT_FALSE(base.isEmpty()) << again.standardError().toStdString();
    QJsonArray recovered;
    for (int i = 0; i < 50 && recovered.isEmpty(); ++i) {
        recovered = curl({base + "/api/status"})
                        .json()
                        .value("logging")
                        .toObject()
                        .value("recovered")
                        .toArray();
        if (recovered.isEmpty()) QThread::msleep(100);
    }
    ASSERT_EQ(recovered.size(), 1);
    EXPECT_EQ(recovered.at(0).toString(), killed);
    for (const QString& category : kLogCategories) {
        SCOPED_TRACE(category.toStdString());
        const QString file = logs.filePath(category + "/" + killed + "_" + category + ".jsonl.gz");
        const QStringList types = typesOf(jsonRecords(zcat(file)));
        EXPECT_TRUE(types.contains("marker"));
        ASSERT_FALSE(types.isEmpty());
        EXPECT_EQ(types.last(), "recovered");
    }
    EXPECT_EQ(again.terminate(), 0);
}

TEST(SessionLogProcess, NoLoggingWritesNothingAndSaysSo) {
    QTemporaryDir data;
    QTemporaryDir logs;
    SoundlabProcess soundlab(
        {"--port", "0", "--data-dir", data.path(), "--log-dir", logs.path(), "--no-logging"});
    const QString base = soundlab.waitForListening();
    ASSERT_FALSE(base.isEmpty()) << soundlab.standardError().toStdString();
    EXPECT_FALSE(curl({base + "/api/status"})
                     .json()
                     .value("logging")
                     .toObject()
                     .value("enabled")
                     .toBool(true));
    EXPECT_EQ(postJson(base + "/api/markers", R"({"label": "x"})").status, 409);
    EXPECT_FALSE(curl({base + "/api/logs/sessions"}).json().value("enabled").toBool(true));
    EXPECT_EQ(soundlab.terminate(), 0);
    EXPECT_TRUE(QDir(logs.path()).isEmpty());
}

// A log directory the program may not write: the audio runs, the error is in /api/status, the
// probes stay up, nothing crashes. Root ignores file modes, so as root (CI) the program runs as
// `nobody` (setpriv); where that is impossible the test says why and skips.
TEST(SessionLogProcess, AnUnwritableLogDirectoryLeavesTheAudioRunningAndSaysSo) {
    QTemporaryDir data;
    QTemporaryDir logs;
    ASSERT_TRUE(QFile::setPermissions(data.path(), QFileDevice::Permissions(0x7777)));
    ASSERT_TRUE(QFile::setPermissions(logs.path(), QFileDevice::ReadOwner | QFileDevice::ExeOwner |
                                                       QFileDevice::ReadOther |
                                                       QFileDevice::ExeOther));  // 0505
    QStringList command{QStringLiteral(SOUNDLAB_BINARY)};
    if (::geteuid() == 0) {
        command = QStringList{"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                              QStringLiteral(SOUNDLAB_BINARY)};
        QProcess probe;
        probe.start(command.first(), command.mid(1) + QStringList{"--version"});
        if (!probe.waitForFinished(10000) || probe.exitCode() != 0)
            GTEST_SKIP() << "cannot run soundlab as nobody here (setpriv, or the build directory "
                            "is not readable by other users): "
                         << probe.readAllStandardError().toStdString();
    }
    QProcess soundlab;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "SOUNDLAB_TOKEN"}) env.remove(name);
    env.insert("HOME", data.path());
    soundlab.setProcessEnvironment(env);
    soundlab.start(command.first(),
                   command.mid(1) + QStringList{"--no-gui", "--device", "virtual", "--port", "0",
                                                "--auto-start-audio", "--data-dir", data.path(),
                                                "--log-dir", logs.filePath("logs")});
    static const QRegularExpression listening(QStringLiteral("listening on (http://\\S+:\\d+)"));
    QString base;
    QByteArray out;
    for (int i = 0; i < 150 && base.isEmpty() && soundlab.state() != QProcess::NotRunning; ++i) {
        soundlab.waitForReadyRead(100);
        out += soundlab.readAllStandardOutput();
        const auto match = listening.match(QString::fromLocal8Bit(out));
        if (match.hasMatch()) base = match.captured(1);
    }
    ASSERT_FALSE(base.isEmpty()) << soundlab.readAllStandardError().toStdString();
    QJsonObject logging;
    for (int i = 0; i < 50; ++i) {
        logging = curl({base + "/api/status"}).json().value("logging").toObject();
        if (logging.value("error").isString()) break;
        QThread::msleep(100);
    }
    EXPECT_TRUE(logging.value("enabled").toBool());
    EXPECT_TRUE(logging.value("error").toString().contains("logs")) << logging.value("error").toString().toStdString();
    const QJsonObject status = curl({base + "/api/status"}).json();
    EXPECT_TRUE(status.value("audio_running").toBool())
        << QJsonDocument(status).toJson().toStdString();
    EXPECT_EQ(curl({base + "/healthz"}).status, 200);
    // Markers are still accepted (and counted as failed to write).
    EXPECT_EQ(postJson(base + "/api/markers", R"({"label": "nowhere"})").status, 201);
    ::kill(pid_t(soundlab.processId()), SIGTERM);
    ASSERT_TRUE(soundlab.waitForFinished(10000));
    EXPECT_EQ(soundlab.exitStatus(), QProcess::NormalExit);
    EXPECT_EQ(soundlab.exitCode(), 0);
    EXPECT_FALSE(QFile::exists(logs.filePath("logs")));
}
