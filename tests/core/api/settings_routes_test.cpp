// GET/PUT /api/settings over real HTTP (docs/install.md "Settings"): the document shows the
// file's values and the origins a start would use; a change is checked as a start reads the file,
// a refused one leaves the file byte for byte as it was, an accepted one keeps its comments.

#include "ApiTestSupport.h"
#include "api/ApiServer.h"
#include "api/SettingsRoutes.h"
#include "engine/AudioEngine.h"
#include "settings/CommandLine.h"

#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>

using namespace soundlab;
using namespace soundlab::api;
using namespace soundlab::api::test;

namespace {

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

class SettingsRoutes : public ::testing::Test {
protected:
    void SetUp() override {
        qtApp();
        file = dir.path() + QStringLiteral("/soundlab.conf");
        QFile f(file);
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
        f.write(
            "; the studio box\n[audio]\n# our interface\nsample-rate=96000\n\n[api]\nport=9001\n");
        f.close();
        ApiServerOptions options;
        options.port = 0;
        server = std::make_unique<ApiServer>(engine, options);
        // As if started with `soundlab --config FILE --metrics-rate 60`.
        for (Route& r :
             settingsRoutes({{"soundlab", "--config", file, "--metrics-rate", "60"}, file}))
            server->addRoute(std::move(r));
        ASSERT_FALSE(server->start());
        http = std::make_unique<HttpClient>(server->url());
    }
    QJsonObject entry(const QJsonObject& document, const QString& key) {
        for (const QJsonValue& v : document.value("settings").toArray())
            if (v.toObject().value("key").toString() == key) return v.toObject();
        return {};
    }

    QTemporaryDir dir;
    QString file;
    AudioEngine engine;
    std::unique_ptr<ApiServer> server;
    std::unique_ptr<HttpClient> http;
};

}  // namespace

TEST_F(SettingsRoutes, TheDocumentShowsFileValuesAndOrigins) {
    const HttpReply r = http->get("/api/settings");
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    const QJsonObject doc = r.json();
    EXPECT_EQ(doc.value("file").toString(), file);
    EXPECT_TRUE(doc.value("exists").toBool());
    EXPECT_TRUE(doc.value("error").isNull());
    const QJsonObject rate = entry(doc, "audio/sample-rate");
    EXPECT_EQ(rate.value("file_value").toString(), "96000");
    EXPECT_EQ(rate.value("value").toString(), "96000");
    EXPECT_EQ(rate.value("origin").toString(), file);
    const QJsonObject metrics = entry(doc, "metrics/metrics-rate");
    EXPECT_TRUE(metrics.value("file_value").isNull());
    EXPECT_EQ(metrics.value("value").toString(), "60");
    EXPECT_EQ(metrics.value("origin").toString(), "command line");
    EXPECT_EQ(entry(doc, "api/host").value("origin").toString(), "default");
    EXPECT_TRUE(entry(doc, "storage/no-logging").value("switch").toBool());
    EXPECT_TRUE(entry(doc, "api/cors-origin").value("list").toBool());
    EXPECT_EQ(doc.value("settings").toArray().size(), 21);
}

TEST_F(SettingsRoutes, ARefusedChangeNamesTheKeyAndLeavesTheFileAsItWas) {
    const QByteArray before = readAll(file);
    struct Case {
        QByteArray body;
        QString field, mustMention;
    };
    const QList<Case> cases = {
        {R"({"audio/sample-rate": 22050})", "audio/sample-rate", "44100, 48000, 96000"},
        {R"({"api/port": "http", "audio/buffer-size": 256})", "api/port", "0 to 65535"},
        {R"({"phi/phi-depth": 3})", "phi/phi-depth", "0 to 1.618"},
        {R"({"storage/no-logging": "perhaps"})", "storage/no-logging", "true or false"},
        {R"({"audio/sampel-rate": 48000})", "audio/sampel-rate", "unknown setting"},
        {R"({"api/port": {"n": 1}})", "api/port", "must be a string"},
    };
    for (const Case& c : cases) {
        const HttpReply r = http->send("PUT", "/api/settings", c.body);
        EXPECT_EQ(r.status, 422) << c.body.toStdString();
        const QJsonObject error = r.json().value("error").toObject();
        EXPECT_EQ(error.value("code").toString(), "invalid_value");
        EXPECT_TRUE(error.value("message").toString().contains(c.mustMention))
            << error.value("message").toString().toStdString();
        EXPECT_EQ(error.value("fields").toArray().at(0).toObject().value("field").toString(),
                  c.field)
            << c.body.toStdString();
        EXPECT_EQ(readAll(file), before)
            << "refused, yet the file changed: " << c.body.toStdString();
    }
    // No candidate left behind.
    EXPECT_EQ(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{"soundlab.conf"});
}

TEST_F(SettingsRoutes, AnAcceptedChangeKeepsCommentsAndIsWhatTheNextStartReads) {
    const HttpReply r =
        http->send("PUT", "/api/settings",
                   R"({"audio/buffer-size": 256, "api/port": null, "audio/device": "ALSA: hw:0,0",
            "api/cors-origin": ["http://a.example", "http://b.example"],
            "storage/no-logging": true, "phi/phi-mode": "internal"})");
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(entry(r.json(), "audio/buffer-size").value("file_value").toString(), "256");
    const QString text = QString::fromUtf8(readAll(file));
    EXPECT_TRUE(text.startsWith("; the studio box\n[audio]\n# our interface\nsample-rate=96000\n"))
        << text.toStdString();
    EXPECT_FALSE(text.contains("port=")) << "null removes the key";

    const ParsedCommandLine next = parseCommandLine({"soundlab", "--config", file}, {});
    ASSERT_TRUE(next.options) << next.message.toStdString();
    EXPECT_EQ(next.options->stream.blockSize, 256);
    EXPECT_EQ(next.options->stream.sampleRate, 96000);
    EXPECT_EQ(next.options->stream.inputDevice, "ALSA: hw:0,0");
    EXPECT_EQ(next.options->port, 8000);
    EXPECT_EQ(next.options->corsOrigins, (QStringList{"http://a.example", "http://b.example"}));
    EXPECT_TRUE(next.options->noLogging);
    EXPECT_EQ(next.options->phiMode, "internal");
}

TEST_F(SettingsRoutes, AMissingFileIsCreated) {
    QTemporaryDir other;
    const QString path = other.path() + QStringLiteral("/new/soundlab.conf");
    server.reset();
    ApiServerOptions options;
    options.port = 0;
    server = std::make_unique<ApiServer>(engine, options);
    for (Route& r : settingsRoutes({{"soundlab", "--config", file}, path}))
        server->addRoute(std::move(r));
    ASSERT_FALSE(server->start());
    http = std::make_unique<HttpClient>(server->url());
    EXPECT_FALSE(http->get("/api/settings").json().value("exists").toBool());
    const HttpReply r = http->send("PUT", "/api/settings", R"({"metrics/metrics-rate": 90})");
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(readAll(path), "[metrics]\nmetrics-rate=90\n");
}
