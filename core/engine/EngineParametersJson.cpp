#include "EngineParametersJson.h"

#include <QJsonArray>

#include <cmath>

namespace soundlab {

namespace {

using dsp::kFieldChannels;
using dsp::ParameterError;

// Floats printed as a person would write them (0.6, not 0.6000000238418579).
// The shortest decimal that reads back as the same float.
double shortest(float v) {
    for (int digits = 6; digits < 9; ++digits) {
        const double d = QString::number(double(v), 'g', digits).toDouble();
        if (float(d) == v) return d;
    }
    return double(v);
}

template <typename T>
QJsonArray toArray(const std::array<T, kFieldChannels>& values) {
    QJsonArray array;
    for (T v : values) {
        if constexpr (std::is_same_v<T, bool>)
            array.append(v);
        else
            array.append(shortest(v));
    }
    return array;
}

ParameterError typeError(const QString& path, const QString& expected) {
    ParameterError e;
    e.field = path.toStdString();
    e.message = QStringLiteral("%1 must be %2").arg(path, expected).toStdString();
    return e;
}

// Reads an array of exactly eight numbers (or booleans, for `enabled`).
template <typename T>
bool readArray(const QJsonValue& value, const QString& path, std::array<T, kFieldChannels>* out,
               std::vector<ParameterError>* errors) {
    constexpr bool isBool = std::is_same_v<T, bool>;
    const QString expected =
        QStringLiteral("an array of %1 %2")
            .arg(kFieldChannels)
            .arg(isBool ? QStringLiteral("booleans") : QStringLiteral("numbers"));
    if (!value.isArray() || value.toArray().size() != kFieldChannels) {
        errors->push_back(typeError(path, expected));
        return false;
    }
    const QJsonArray array = value.toArray();
    std::array<T, kFieldChannels> result{};
    for (int k = 0; k < kFieldChannels; ++k) {
        const QJsonValue item = array[k];
        if (isBool ? !item.isBool() : !item.isDouble()) {
            errors->push_back(
                typeError(QStringLiteral("%1[%2]").arg(path).arg(k),
                          isBool ? QStringLiteral("a boolean") : QStringLiteral("a number")));
            return false;
        }
        if constexpr (isBool)
            result[size_t(k)] = item.toBool();
        else
            result[size_t(k)] = T(item.toDouble());
    }
    *out = result;
    return true;
}

void rejectUnknownKeys(const QJsonObject& object, const QString& prefix,
                       std::initializer_list<const char*> known,
                       std::vector<ParameterError>* errors) {
    for (auto it = object.begin(); it != object.end(); ++it) {
        bool isKnown = false;
        for (const char* k : known) isKnown |= it.key() == QLatin1String(k);
        if (!isKnown) {
            ParameterError e;
            e.field = (prefix + it.key()).toStdString();
            e.message = QStringLiteral("unknown field %1%2").arg(prefix, it.key()).toStdString();
            errors->push_back(e);
        }
    }
}

void prefixErrors(std::vector<ParameterError> found, const std::string& prefix,
                  std::vector<ParameterError>* errors) {
    for (ParameterError& e : found) {
        e.field = prefix + e.field;
        e.message = prefix + e.message;
        errors->push_back(std::move(e));
    }
}

}  // namespace

QJsonObject engineToJson(const dsp::EngineParameters& engine) {
    return {{QStringLiteral("num_channels"), kFieldChannels},
            {QStringLiteral("frequencies"), toArray(engine.frequencies)},
            {QStringLiteral("amplitudes"), toArray(engine.amplitudes)},
            {QStringLiteral("enabled"), toArray(engine.enabled)},
            {QStringLiteral("coupling_strength"), shortest(engine.couplingStrength)},
            {QStringLiteral("gain"), shortest(engine.gain)},
            {QStringLiteral("band_split"), engine.bandSplit}};
}

QJsonObject downmixToJson(const dsp::DownmixParameters& downmix) {
    QJsonObject json{{QStringLiteral("strategy"),
                      QString::fromLatin1(dsp::toString(downmix.strategy).data(),
                                          qsizetype(dsp::toString(downmix.strategy).size()))}};
    if (downmix.customWeights) {
        json[QStringLiteral("weights_l")] = toArray(downmix.weightsL);
        json[QStringLiteral("weights_r")] = toArray(downmix.weightsR);
    }
    return json;
}

std::vector<ParameterError> applyParametersJson(const QJsonObject& body, int sampleRate,
                                                dsp::EngineParameters* engine,
                                                dsp::DownmixParameters* downmix) {
    std::vector<ParameterError> errors;
    rejectUnknownKeys(body, QString(), {"engine", "downmix"}, &errors);
    dsp::EngineParameters e = *engine;
    dsp::DownmixParameters d = *downmix;

    if (body.contains(QStringLiteral("engine"))) {
        if (!body[QStringLiteral("engine")].isObject()) {
            errors.push_back(typeError(QStringLiteral("engine"), QStringLiteral("an object")));
        } else {
            const QJsonObject o = body[QStringLiteral("engine")].toObject();
            rejectUnknownKeys(o, QStringLiteral("engine."),
                              {"sample_rate", "num_channels", "frequencies", "amplitudes",
                               "enabled", "coupling_strength", "gain", "band_split"},
                              &errors);
            if (o.contains(QStringLiteral("sample_rate")) &&
                o[QStringLiteral("sample_rate")].toDouble(-1) != sampleRate)
                errors.push_back(typeError(
                    QStringLiteral("engine.sample_rate"),
                    QStringLiteral("the stream's rate, %1 (change it with POST /api/audio/device)")
                        .arg(sampleRate)));
            if (o.contains(QStringLiteral("num_channels")) &&
                o[QStringLiteral("num_channels")].toDouble(-1) != kFieldChannels)
                errors.push_back(typeError(QStringLiteral("engine.num_channels"),
                                           QStringLiteral("%1").arg(kFieldChannels)));
            if (o.contains(QStringLiteral("frequencies")))
                readArray(o[QStringLiteral("frequencies")], QStringLiteral("engine.frequencies"),
                          &e.frequencies, &errors);
            if (o.contains(QStringLiteral("amplitudes")))
                readArray(o[QStringLiteral("amplitudes")], QStringLiteral("engine.amplitudes"),
                          &e.amplitudes, &errors);
            if (o.contains(QStringLiteral("enabled")))
                readArray(o[QStringLiteral("enabled")], QStringLiteral("engine.enabled"),
                          &e.enabled, &errors);
            if (o.contains(QStringLiteral("band_split"))) {
                if (!o[QStringLiteral("band_split")].isBool())
                    errors.push_back(typeError(QStringLiteral("engine.band_split"),
                                               QStringLiteral("true or false")));
                else
                    e.bandSplit = o[QStringLiteral("band_split")].toBool();
            }
            for (const auto& [key, field] : {std::pair{"coupling_strength", &e.couplingStrength},
                                             std::pair{"gain", &e.gain}}) {
                if (!o.contains(QLatin1String(key))) continue;
                if (!o[QLatin1String(key)].isDouble())
                    errors.push_back(typeError(QStringLiteral("engine.") + QLatin1String(key),
                                               QStringLiteral("a number")));
                else
                    *field = float(o[QLatin1String(key)].toDouble());
            }
        }
    }

    if (body.contains(QStringLiteral("downmix"))) {
        if (!body[QStringLiteral("downmix")].isObject()) {
            errors.push_back(typeError(QStringLiteral("downmix"), QStringLiteral("an object")));
        } else {
            const QJsonObject o = body[QStringLiteral("downmix")].toObject();
            rejectUnknownKeys(o, QStringLiteral("downmix."), {"strategy", "weights_l", "weights_r"},
                              &errors);
            if (o.contains(QStringLiteral("strategy"))) {
                const auto strategy = dsp::downmixStrategyFromString(
                    o[QStringLiteral("strategy")].toString().toStdString());
                if (!strategy)
                    errors.push_back(
                        typeError(QStringLiteral("downmix.strategy"),
                                  QStringLiteral("one of spatial, energy, linear, phi")));
                else
                    d.strategy = *strategy;
            }
            const bool hasL = o.contains(QStringLiteral("weights_l"));
            const bool hasR = o.contains(QStringLiteral("weights_r"));
            if (hasL || hasR) {
                const QJsonValue l = o[QStringLiteral("weights_l")];
                const QJsonValue r = o[QStringLiteral("weights_r")];
                if (l.isNull() && r.isNull()) {
                    d.customWeights = false;  // back to the strategy's weights
                } else if (!hasL || !hasR) {
                    errors.push_back(typeError(QStringLiteral("downmix.weights_l"),
                                               QStringLiteral("given together with weights_r")));
                } else if (readArray(l, QStringLiteral("downmix.weights_l"), &d.weightsL,
                                     &errors) &&
                           readArray(r, QStringLiteral("downmix.weights_r"), &d.weightsR,
                                     &errors)) {
                    d.customWeights = true;
                }
            }
        }
    }

    if (errors.empty()) {
        prefixErrors(dsp::EngineParameters::validate(e), "engine.", &errors);
        prefixErrors(dsp::DownmixParameters::validate(d), "downmix.", &errors);
    }
    if (errors.empty()) {
        *engine = e;
        *downmix = d;
    }
    return errors;
}

}  // namespace soundlab
