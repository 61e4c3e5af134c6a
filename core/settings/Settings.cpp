#include "settings/Settings.h"

#include "settings/CommandLine.h"

#include <QFileInfo>
#include <QSet>
#include <QStandardPaths>

namespace soundlab {

namespace {

QString yesNo(bool on) {
    return on ? QStringLiteral("true") : QStringLiteral("false");
}
QString orNone(const QString& s) {
    return s.isEmpty() ? QStringLiteral("(none)") : s;
}

const PersistentSetting kSettings[] = {
    {"device", "audio",
     [](const AppOptions& o) {
         return o.stream.inputDevice == o.stream.outputDevice
                    ? o.stream.inputDevice
                    : QStringLiteral("%1 / %2").arg(o.stream.inputDevice, o.stream.outputDevice);
     }},
    {"input-device", "audio", [](const AppOptions& o) { return o.stream.inputDevice; }},
    {"output-device", "audio", [](const AppOptions& o) { return o.stream.outputDevice; }},
    {"sample-rate", "audio",
     [](const AppOptions& o) { return QString::number(o.stream.sampleRate); }},
    {"buffer-size", "audio",
     [](const AppOptions& o) {
         return o.stream.preferHostPeriod
                    ? QStringLiteral("%1 (JACK: the server's period)").arg(o.stream.blockSize)
                    : QString::number(o.stream.blockSize);
     }},
    {"auto-start-audio", "audio", [](const AppOptions& o) { return yesNo(o.autoStartAudio); },
     true},
    {"host", "api", [](const AppOptions& o) { return o.host; }},
    {"port", "api", [](const AppOptions& o) { return QString::number(o.port); }},
    {"token-file", "api", [](const AppOptions& o) { return orNone(o.tokenFile); }},
    {"cors-origin", "api", [](const AppOptions& o) { return orNone(o.corsOrigins.join(", ")); },
     false, true},
    {"insecure", "api", [](const AppOptions& o) { return yesNo(o.insecure); }, true},
    {"osc-port", "osc",
     [](const AppOptions& o) {
         return o.oscPort ? QString::number(*o.oscPort) : QStringLiteral("(off)");
     }},
    {"osc-host", "osc", [](const AppOptions& o) { return o.oscHost; }},
    {"midi-port", "phi", [](const AppOptions& o) { return orNone(o.midiPort); }},
    {"phi-mode", "phi",
     [](const AppOptions& o) {
         return o.phiMode.isEmpty() ? QStringLiteral("manual") : o.phiMode;
     }},
    {"phi-depth", "phi",
     [](const AppOptions& o) {
         return o.phiDepth ? QString::number(*o.phiDepth) : QStringLiteral("0.618034 (1/Φ)");
     }},
    {"metrics-rate", "metrics", [](const AppOptions& o) { return QString::number(o.metricsRate); }},
    {"data-dir", "storage", [](const AppOptions& o) { return o.dataDir; }},
    {"log-dir", "storage", [](const AppOptions& o) { return o.logDir; }},
    {"log-keep-days", "storage",
     [](const AppOptions& o) {
         return o.logKeepDays ? QString::number(*o.logKeepDays) : QStringLiteral("(keep all)");
     }},
    {"no-logging", "storage", [](const AppOptions& o) { return yesNo(o.noLogging); }, true},
};

}  // namespace

QString PersistentSetting::fileKey() const {
    return QStringLiteral("%1/%2").arg(QLatin1String(section), QLatin1String(flag));
}

QString PersistentSetting::environmentName() const {
    return QStringLiteral("SOUNDLAB_") +
           QString::fromLatin1(flag).toUpper().replace(QLatin1Char('-'), QLatin1Char('_'));
}

std::span<const PersistentSetting> persistentSettings() {
    return kSettings;
}

QString defaultSettingsPath() {
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
           QStringLiteral("/soundlab/soundlab.conf");
}

SettingSources::SettingSources(const QCommandLineParser& parser, QProcessEnvironment environment,
                               QString filePath)
    : parser_(parser), environment_(std::move(environment)), filePath_(std::move(filePath)) {
    if (filePath_.isEmpty() || !QFileInfo::exists(filePath_)) return;
    if (!QFileInfo(filePath_).isReadable()) {
        fileError_ = QStringLiteral("cannot read the settings file %1").arg(filePath_);
        return;
    }
    file_ = std::make_unique<QSettings>(filePath_, QSettings::IniFormat);
    if (file_->status() != QSettings::NoError) {
        fileError_ = QStringLiteral("the settings file %1 is not valid INI").arg(filePath_);
        return;
    }
    // A misspelt key would be ignored silently; name it instead.
    QSet<QString> known;
    for (const PersistentSetting& s : kSettings) known.insert(s.fileKey());
    for (const QString& key : file_->allKeys()) {
        // QSettings reads only ';' as a comment; a '#' line becomes a key. Take it as a comment.
        if (key.section(QLatin1Char('/'), -1).startsWith(QLatin1Char('#'))) continue;
        if (!known.contains(key)) {
            fileError_ = QStringLiteral(
                             "unknown setting '%1' in %2 (soundlab --print-config lists "
                             "the known ones)")
                             .arg(key, filePath_);
            return;
        }
    }
}

std::optional<SettingSources::Value> SettingSources::find(const PersistentSetting& s) const {
    const QString flag = QString::fromLatin1(s.flag);
    if (parser_.isSet(flag))
        return Value{s.isSwitch ? QStringList{QStringLiteral("true")} : parser_.values(flag),
                     QStringLiteral("command line"), QStringLiteral("--") + flag};
    if (environment_.contains(s.environmentName())) {
        const QString text = environment_.value(s.environmentName());
        return Value{
            s.repeatable ? text.split(QLatin1Char(','), Qt::SkipEmptyParts) : QStringList{text},
            QStringLiteral("environment %1").arg(s.environmentName()), s.environmentName()};
    }
    if (file_ && file_->contains(s.fileKey())) {
        const QVariant v = file_->value(s.fileKey());
        // INI splits an unquoted value at commas; only lists want that ("hw:0,0" does not).
        QStringList values = v.toStringList();
        if (!s.repeatable) values = QStringList{values.join(QLatin1Char(','))};
        for (QString& value : values) value = value.trimmed();
        return Value{values, filePath_, s.fileKey()};
    }
    return std::nullopt;
}

QString SettingSources::Value::quoted() const {
    QString q = QStringLiteral("%1 '%2'").arg(name, text());
    if (!name.startsWith(QLatin1String("--")) && !name.startsWith(QLatin1String("SOUNDLAB_")))
        q += QStringLiteral(" in ") + origin;
    return q;
}

std::optional<bool> SettingSources::isOn(const PersistentSetting& s, QString* error) const {
    const auto v = find(s);
    if (!v) return false;
    const QString text = v->text().toLower();
    if (text == QLatin1String("true") || text == QLatin1String("1") ||
        text == QLatin1String("yes") || text == QLatin1String("on"))
        return true;
    if (text == QLatin1String("false") || text == QLatin1String("0") ||
        text == QLatin1String("no") || text == QLatin1String("off"))
        return false;
    *error = QStringLiteral("invalid %1; valid: true or false").arg(v->quoted());
    return std::nullopt;
}

QList<SettingInEffect> settingsInEffect(const AppOptions& options, const SettingSources& sources) {
    QList<SettingInEffect> list;
    for (const PersistentSetting& s : kSettings) {
        QString origin = QStringLiteral("default");
        if (const auto found = sources.find(s)) {
            origin = found->origin;
        } else if (QLatin1String(s.flag).endsWith(QLatin1String("-device"))) {
            if (const auto device = sources.find(kSettings[0])) origin = device->origin;
        }
        list.append({&s, s.effective(options), origin});
    }
    return list;
}

QString describeSettings(const QString& filePath, const QList<SettingInEffect>& settings) {
    QString text =
        QStringLiteral("# settings file: %1%2\n")
            .arg(filePath, QFileInfo::exists(filePath) ? QString() : QStringLiteral(" (absent)"));
    QString section;
    for (const SettingInEffect& s : settings) {
        if (section != QLatin1String(s.setting->section)) {
            section = QString::fromLatin1(s.setting->section);
            text += QStringLiteral("[%1]\n").arg(section);
        }
        text += QStringLiteral("%1 = %2    # %3\n")
                    .arg(QString::fromLatin1(s.setting->flag), s.value, s.origin);
    }
    return text;
}

}  // namespace soundlab
