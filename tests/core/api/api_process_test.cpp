// The real `soundlab --no-gui` process, driven by clients we did not write (curl) and by
// QWebSocket: what an operator or a script sees.

#include "SoundlabProcess.h"

#include <gtest/gtest.h>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <csignal>

using namespace soundlab::api::test;

namespace {

// Every process here keeps its presets in one throw-away directory and writes no logs.
QStringList isolated(QStringList arguments) {
    static QTemporaryDir data;
    return arguments + QStringList{"--data-dir", data.path(), "--no-logging"};
}

}  // namespace

TEST(ApiProcess, ServesTheApiToCurlAndStopsCleanlyOnSigterm) {
    SoundlabProcess soundlab(isolated({"--port", "0"}));
    const QString base = soundlab.waitForListening();
    ASSERT_FALSE(base.isEmpty()) << soundlab.standardError().toStdString();
    EXPECT_TRUE(base.startsWith("http://127.0.0.1:"));

    CurlResult r = curl({base + "/api/status"});
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_FALSE(r.json().value("audio_running").toBool());

    r = curl({"-X", "POST", base + "/api/audio/start"});
    EXPECT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_TRUE(r.json().value("audio_running").toBool());
    r = curl({"-X", "POST", base + "/api/audio/start"});
    EXPECT_EQ(r.status, 200);

    r = curl({base + "/api/audio/performance"});
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.json().contains("xruns"));
    r = curl({"-X", "POST", "-H", "Content-Type: application/json", "--data",
              R"({"buffer_size":256})", base + "/api/audio/device"});
    EXPECT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(r.json().value("buffer_size").toInt(), 256);
    r = curl({"-X", "DELETE", base + "/api/status"});
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.json().value("error").toObject().value("code").toString(), "method_not_allowed");
    r = curl({base + "/api/nothing"});
    EXPECT_EQ(r.status, 404);
    r = curl({base + "/api/openapi.json"});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.json().value("openapi").toString(), "3.1.0");

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
    EXPECT_FALSE(r.json().value("audio_running").toBool());
    EXPECT_EQ(soundlab.terminate(SIGTERM), 0);
}

TEST(ApiProcess, TokenFromTheEnvironmentGuardsEveryRouteButHealthz) {
    SoundlabProcess soundlab(isolated({"--port", "0"}), {{"SOUNDLAB_TOKEN", "env-t0ken"}});
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
    SoundlabProcess refused(isolated({"--host", "0.0.0.0", "--port", "0"}));
    EXPECT_NE(refused.waitForExit(), 0);
    const QString error = refused.standardError();
    EXPECT_TRUE(error.contains("--token")) << error.toStdString();
    EXPECT_TRUE(error.contains("--insecure")) << error.toStdString();

    SoundlabProcess insecure(isolated({"--host", "0.0.0.0", "--port", "0", "--insecure"}));
    const QString base = insecure.waitForListening();
    EXPECT_TRUE(base.startsWith("http://0.0.0.0:")) << base.toStdString();
    EXPECT_EQ(curl({QStringLiteral("http://127.0.0.1:%1/healthz").arg(insecure.port)}).status, 200);
    EXPECT_EQ(insecure.terminate(), 0);
}

// The program wires the preset store into readiness and metrics.
TEST(ApiProcess, ReadyzAndMetricsIncludeThePresetStore) {
    SoundlabProcess soundlab(isolated({"--port", "0"}));
    const QString base = soundlab.waitForListening();
    ASSERT_FALSE(base.isEmpty()) << soundlab.standardError().toStdString();
    CurlResult r = curl({base + "/readyz"});
    EXPECT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(r.json().value("checks").toObject().value("presets").toString(), "ok");
    EXPECT_EQ(r.json().value("checks").toObject().value("audio").toString(), "ok");
    r = curl({base + "/metrics"});
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.body.contains("\nsoundlab_presets 0\n")) << r.body.toStdString();
    EXPECT_EQ(soundlab.terminate(SIGTERM), 0);
}
