#include "presets/PresetSchema.h"

#include "presets/PresetSchemaText.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QStringList>
#include <stdexcept>

// Schema problems are programming errors; exceptions make them reportable instead of abort().
#define VALIJSON_USE_EXCEPTIONS 1
#include <valijson/adapters/qtjson_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

namespace soundlab::presets {

struct PresetSchema::Compiled {
    valijson::Schema schema;
};

namespace {

const QString kRootPath = QStringLiteral("(root)");

// Follows a local "$ref" ("#/$defs/name") to the node it names; other nodes are returned as is.
QJsonObject resolved(const QJsonObject& root, const QJsonObject& node) {
    const QString ref = node.value(QLatin1String("$ref")).toString();
    if (!ref.startsWith(QLatin1String("#/"))) return node;
    QJsonValue target = root;
    for (const QString& token : ref.mid(2).split(QLatin1Char('/'))) {
        target = target.toObject().value(token);
    }
    return resolved(root, target.toObject());
}

QString formatNumber(double value) {
    return QString::number(value, 'g', 12);
}

QString literal(const QJsonValue& value) {
    if (value.isString()) return QLatin1Char('"') + value.toString() + QLatin1Char('"');
    if (value.isDouble()) return formatNumber(value.toDouble());
    if (value.isBool()) return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.isNull()) return QStringLiteral("null");
    return QString::fromUtf8(
        QJsonDocument::fromVariant(value.toVariant()).toJson(QJsonDocument::Compact));
}

// What a given value is, short enough for an error message.
QString summary(const QJsonValue& value) {
    switch (value.type()) {
        case QJsonValue::String: {
            QString text = value.toString();
            if (text.size() > 40) text = text.left(37) + QStringLiteral("...");
            return QLatin1Char('"') + text + QLatin1Char('"');
        }
        case QJsonValue::Array:
            return QStringLiteral("an array of %1 items").arg(value.toArray().size());
        case QJsonValue::Object:
            return QStringLiteral("an object");
        default:
            return literal(value);
    }
}

QString rangePhrase(const QJsonObject& node) {
    const bool hasMin = node.contains(QLatin1String("minimum"));
    const bool hasMax = node.contains(QLatin1String("maximum"));
    const QString min = formatNumber(node.value(QLatin1String("minimum")).toDouble());
    const QString max = formatNumber(node.value(QLatin1String("maximum")).toDouble());
    if (hasMin && hasMax) return QStringLiteral(" in [%1, %2]").arg(min, max);
    if (hasMin) return QStringLiteral(" ≥ ") + min;
    if (hasMax) return QStringLiteral(" ≤ ") + max;
    return {};
}

QString countPhrase(const QJsonObject& node, const char* minKey, const char* maxKey,
                    const QString& unit) {
    const int min = node.value(QLatin1String(minKey)).toInt(-1);
    const int max = node.value(QLatin1String(maxKey)).toInt(-1);
    if (min >= 0 && min == max) return QStringLiteral(" of exactly %1 %2").arg(min).arg(unit);
    if (min > 0 && max >= 0) return QStringLiteral(" of %1 to %2 %3").arg(min).arg(max).arg(unit);
    if (max >= 0) return QStringLiteral(" of at most %1 %2").arg(max).arg(unit);
    if (min > 0) return QStringLiteral(" of at least %1 %2").arg(min).arg(unit);
    return {};
}

// The allowed values of a schema node as a noun phrase ("a number in [0, 2]"). A node with a
// `pattern` carries its phrase in `description`, because a regular expression is no message.
QString allowedPhrase(const QJsonObject& root, const QJsonObject& propertyNode) {
    const QJsonObject node = resolved(root, propertyNode);
    if (node.contains(QLatin1String("const"))) return literal(node.value(QLatin1String("const")));
    if (node.contains(QLatin1String("enum"))) {
        QStringList options;
        for (const QJsonValue& option : node.value(QLatin1String("enum")).toArray()) {
            options.append(literal(option));
        }
        return QStringLiteral("one of ") + options.join(QStringLiteral(", "));
    }
    if (node.contains(QLatin1String("pattern"))) {
        return node.value(QLatin1String("description")).toString();
    }

    QStringList types;
    const QJsonValue type = node.value(QLatin1String("type"));
    if (type.isArray()) {
        for (const QJsonValue& t : type.toArray()) types.append(t.toString());
    } else {
        types.append(type.toString());
    }
    QStringList phrases;
    if (types.contains(QLatin1String("null"))) phrases.append(QStringLiteral("null"));
    for (const QString& t : types) {
        if (t == QLatin1String("number")) {
            phrases.append(QStringLiteral("a number") + rangePhrase(node));
        } else if (t == QLatin1String("integer")) {
            phrases.append(QStringLiteral("an integer") + rangePhrase(node));
        } else if (t == QLatin1String("string")) {
            phrases.append(QStringLiteral("a string") + countPhrase(node, "minLength", "maxLength",
                                                                    QStringLiteral("characters")));
        } else if (t == QLatin1String("array")) {
            QString phrase = QStringLiteral("an array") +
                             countPhrase(node, "minItems", "maxItems", QStringLiteral("items"));
            const QJsonObject items = node.value(QLatin1String("items")).toObject();
            if (!items.isEmpty()) phrase += QStringLiteral(", each ") + allowedPhrase(root, items);
            phrases.append(phrase);
        } else if (t == QLatin1String("object")) {
            phrases.append(QStringLiteral("an object"));
        } else if (t == QLatin1String("boolean")) {
            phrases.append(QStringLiteral("true or false"));
        }
    }
    return phrases.join(QStringLiteral(" or "));
}

QString childPath(const QString& parent, const QString& key) {
    return parent.isEmpty() ? key : parent + QLatin1Char('.') + key;
}

// One valijson error, rewritten from the schema node and the value at its place.
void describeError(const QJsonObject& root, const QJsonValue& instance,
                   const valijson::ValidationResults::Error& error, QList<ValidationError>& out) {
    const std::string& description = error.description;
    // valijson reports a failing child again on each enclosing array and object; the child's own
    // error says everything.
    if (description.rfind("Failed to validate item #", 0) == 0 ||
        description.rfind("Failed to validate against schema associated with property name", 0) ==
            0) {
        return;
    }

    // Walk the context ("<root>", "[engine]", "[frequencies]", "[2]") through instance and schema.
    QString path;
    QJsonValue value = instance;
    QJsonObject node = root;
    for (size_t i = 1; i < error.context.size(); ++i) {
        const std::string& segment = error.context[i];
        const QString token = QString::fromStdString(segment.substr(1, segment.size() - 2));
        const QJsonObject current = resolved(root, node);
        if (value.isArray()) {
            path += QLatin1Char('[') + token + QLatin1Char(']');
            value = value.toArray().at(token.toInt());
            node = current.value(QLatin1String("items")).toObject();
        } else {
            path = childPath(path, token);
            value = value.toObject().value(token);
            node = current.value(QLatin1String("properties")).toObject().value(token).toObject();
        }
    }
    const QJsonObject current = resolved(root, node);
    const QJsonObject properties = current.value(QLatin1String("properties")).toObject();

    if (description.rfind("Object contains a property that could not be validated", 0) == 0) {
        const QString allowed = properties.keys().join(QStringLiteral(", "));
        for (const QString& key : value.toObject().keys()) {
            if (properties.contains(key)) continue;
            out.append({childPath(path, key),
                        QStringLiteral("unknown key; allowed keys here: ") + allowed});
        }
        return;
    }
    if (description.rfind("Missing required property", 0) == 0) {
        for (const QJsonValue& key : current.value(QLatin1String("required")).toArray()) {
            if (value.toObject().contains(key.toString())) continue;
            out.append({childPath(path, key.toString()),
                        QStringLiteral("is required: ") +
                            allowedPhrase(root, properties.value(key.toString()).toObject())});
        }
        return;
    }
    out.append(
        {path.isEmpty() ? kRootPath : path,
         QStringLiteral("must be %1; got %2").arg(allowedPhrase(root, node), summary(value))});
}

}  // namespace

const PresetSchema& PresetSchema::instance() {
    static const PresetSchema schema;
    return schema;
}

PresetSchema::PresetSchema() : compiled_(std::make_unique<Compiled>()) {
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text(), &parseError);
    if (!document.isObject()) {
        qFatal("preset.schema.json is not a JSON object: %s", qPrintable(parseError.errorString()));
    }
    document_ = document.object();
    try {
        valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
        const valijson::adapters::QtJsonAdapter adapter(document_);
        parser.populateSchema(adapter, compiled_->schema);
    } catch (const std::exception& e) {
        qFatal("preset.schema.json cannot be compiled: %s", e.what());
    }
}

PresetSchema::~PresetSchema() = default;

QByteArray PresetSchema::text() const {
    return QByteArray(kPresetSchemaText);
}

namespace {

QJsonObject withDefaultsAt(const QJsonObject& root, const QJsonObject& propertyNode,
                           QJsonObject object) {
    const QJsonObject properties =
        resolved(root, propertyNode).value(QLatin1String("properties")).toObject();
    for (auto it = properties.begin(); it != properties.end(); ++it) {
        const QJsonObject child = it.value().toObject();
        if (!object.contains(it.key()) && child.contains(QLatin1String("default"))) {
            object.insert(it.key(), child.value(QLatin1String("default")));
        }
        const QJsonValue value = object.value(it.key());
        if (value.isObject()) {
            object.insert(it.key(), withDefaultsAt(root, child, value.toObject()));
        }
    }
    return object;
}

}  // namespace

QJsonObject PresetSchema::withDefaults(const QJsonObject& preset) const {
    return withDefaultsAt(document_, document_, preset);
}

QList<ValidationError> PresetSchema::validate(const QJsonValue& preset) const {
    // A validator caches its compiled regular expressions, and is not thread-safe: one per thread.
    thread_local valijson::Validator validator;
    valijson::ValidationResults results;
    const valijson::adapters::QtJsonAdapter adapter(preset);
    if (validator.validate(compiled_->schema, adapter, &results)) return {};

    QList<ValidationError> errors;
    valijson::ValidationResults::Error error;
    while (results.popError(error)) describeError(document_, preset, error, errors);

    // Two keywords failing on one value ("type" and "enum") yield the same message once.
    QList<ValidationError> unique;
    QSet<QString> seen;
    for (const ValidationError& e : errors) {
        if (!seen.contains(e.toString())) {
            seen.insert(e.toString());
            unique.append(e);
        }
    }
    return unique;
}

}  // namespace soundlab::presets
