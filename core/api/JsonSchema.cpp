#include "api/JsonSchema.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <cmath>

namespace soundlab::api::schema {

namespace {

QJsonObject withDescription(QJsonObject schema, const QString& description) {
    if (!description.isEmpty()) schema.insert(QStringLiteral("description"), description);
    return schema;
}

QJsonObject numeric(const char* type, std::optional<double> minimum, std::optional<double> maximum,
                    const QString& description) {
    QJsonObject s{{QStringLiteral("type"), QString::fromLatin1(type)}};
    if (minimum) s.insert(QStringLiteral("minimum"), *minimum);
    if (maximum) s.insert(QStringLiteral("maximum"), *maximum);
    return withDescription(s, description);
}

QString typeOf(const QJsonValue& v) {
    switch (v.type()) {
        case QJsonValue::Null:
            return QStringLiteral("null");
        case QJsonValue::Bool:
            return QStringLiteral("boolean");
        case QJsonValue::Double: {
            const double d = v.toDouble();
            return (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.007e15)
                       ? QStringLiteral("integer")
                       : QStringLiteral("number");
        }
        case QJsonValue::String:
            return QStringLiteral("string");
        case QJsonValue::Array:
            return QStringLiteral("array");
        case QJsonValue::Object:
            return QStringLiteral("object");
        case QJsonValue::Undefined:
            break;
    }
    return QStringLiteral("undefined");
}

bool typeMatches(const QString& actual, const QString& wanted) {
    return actual == wanted || (wanted == QLatin1String("number") && actual == "integer");
}

QString join(const QString& path, const QString& key) {
    return path.isEmpty() ? key : path + u'.' + key;
}

std::optional<Violation> check(const QJsonValue& value, const QJsonObject& s, const QString& path) {
    const QString actual = typeOf(value);
    if (s.contains(QStringLiteral("type"))) {
        const QJsonValue t = s.value(QStringLiteral("type"));
        QStringList wanted;
        if (t.isArray())
            for (const auto& name : t.toArray()) wanted << name.toString();
        else
            wanted << t.toString();
        bool ok = false;
        for (const auto& w : wanted) ok = ok || typeMatches(actual, w);
        if (!ok)
            return Violation{path, QStringLiteral("must be %1, not %2")
                                       .arg(wanted.join(QStringLiteral(" or ")), actual)};
    }
    if (s.contains(QStringLiteral("enum"))) {
        const QJsonArray options = s.value(QStringLiteral("enum")).toArray();
        if (!options.contains(value)) {
            QStringList names;
            for (const auto& o : options) names << o.toVariant().toString();
            return Violation{path, QStringLiteral("must be one of: %1").arg(names.join(", "))};
        }
    }
    if (value.isDouble()) {
        const double d = value.toDouble();
        const bool hasMin = s.contains(QStringLiteral("minimum"));
        const bool hasMax = s.contains(QStringLiteral("maximum"));
        const double min = s.value(QStringLiteral("minimum")).toDouble();
        const double max = s.value(QStringLiteral("maximum")).toDouble();
        if ((hasMin && d < min) || (hasMax && d > max)) {
            // Name the whole allowed range, so one answer says what would be accepted.
            const QString range = hasMin && hasMax
                                      ? QStringLiteral("within [%1, %2]").arg(min).arg(max)
                                  : hasMin ? QStringLiteral("≥ %1").arg(min)
                                           : QStringLiteral("≤ %1").arg(max);
            return Violation{path, QStringLiteral("must be %1, got %2").arg(range).arg(d)};
        }
    }
    if (value.isString()) {
        const QString text = value.toString();
        if (s.contains(QStringLiteral("minLength")) &&
            text.size() < s.value(QStringLiteral("minLength")).toInt())
            return Violation{path, QStringLiteral("must have at least %1 characters")
                                       .arg(s.value(QStringLiteral("minLength")).toInt())};
        if (s.contains(QStringLiteral("maxLength")) &&
            text.size() > s.value(QStringLiteral("maxLength")).toInt())
            return Violation{path, QStringLiteral("must have at most %1 characters")
                                       .arg(s.value(QStringLiteral("maxLength")).toInt())};
        if (s.contains(QStringLiteral("pattern"))) {
            const QRegularExpression re(s.value(QStringLiteral("pattern")).toString());
            if (!re.match(text).hasMatch())
                return Violation{path, QStringLiteral("must match %1").arg(re.pattern())};
        }
    }
    if (value.isArray()) {
        const QJsonArray items = value.toArray();
        if (s.contains(QStringLiteral("minItems")) &&
            items.size() < s.value(QStringLiteral("minItems")).toInt())
            return Violation{path, QStringLiteral("must have at least %1 items")
                                       .arg(s.value(QStringLiteral("minItems")).toInt())};
        if (s.contains(QStringLiteral("maxItems")) &&
            items.size() > s.value(QStringLiteral("maxItems")).toInt())
            return Violation{path, QStringLiteral("must have at most %1 items")
                                       .arg(s.value(QStringLiteral("maxItems")).toInt())};
        if (s.contains(QStringLiteral("items"))) {
            const QJsonObject itemSchema = s.value(QStringLiteral("items")).toObject();
            for (qsizetype i = 0; i < items.size(); ++i)
                if (auto v =
                        check(items.at(i), itemSchema, QStringLiteral("%1[%2]").arg(path).arg(i)))
                    return v;
        }
    }
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        const QJsonObject properties = s.value(QStringLiteral("properties")).toObject();
        for (const auto& name : s.value(QStringLiteral("required")).toArray())
            if (!object.contains(name.toString()))
                return Violation{join(path, name.toString()), QStringLiteral("is required")};
        const QJsonValue additional = s.value(QStringLiteral("additionalProperties"));
        for (auto it = object.begin(); it != object.end(); ++it) {
            const QString childPath = join(path, it.key());
            if (properties.contains(it.key())) {
                if (auto v = check(it.value(), properties.value(it.key()).toObject(), childPath))
                    return v;
            } else if (additional.isBool() && !additional.toBool()) {
                QStringList known = properties.keys();
                return Violation{
                    childPath,
                    QStringLiteral("is not a known field (known: %1)").arg(known.join(", "))};
            } else if (additional.isObject()) {
                if (auto v = check(it.value(), additional.toObject(), childPath)) return v;
            }
        }
    }
    return std::nullopt;
}

}  // namespace

QJsonObject boolean(const QString& description) {
    return withDescription({{QStringLiteral("type"), QStringLiteral("boolean")}}, description);
}

QJsonObject integer(std::optional<double> minimum, std::optional<double> maximum,
                    const QString& description) {
    return numeric("integer", minimum, maximum, description);
}

QJsonObject number(std::optional<double> minimum, std::optional<double> maximum,
                   const QString& description) {
    return numeric("number", minimum, maximum, description);
}

QJsonObject string(const QString& description) {
    return withDescription({{QStringLiteral("type"), QStringLiteral("string")}}, description);
}

QJsonObject stringEnum(const QStringList& values, const QString& description) {
    return withDescription({{QStringLiteral("type"), QStringLiteral("string")},
                            {QStringLiteral("enum"), QJsonArray::fromStringList(values)}},
                           description);
}

QJsonObject arrayOf(const QJsonObject& items, const QString& description) {
    return withDescription(
        {{QStringLiteral("type"), QStringLiteral("array")}, {QStringLiteral("items"), items}},
        description);
}

QJsonObject object(std::initializer_list<std::pair<QString, QJsonObject>> properties,
                   const QStringList& required, bool openEnded) {
    QJsonObject props;
    for (const auto& [name, s] : properties) props.insert(name, s);
    QJsonObject s{{QStringLiteral("type"), QStringLiteral("object")},
                  {QStringLiteral("properties"), props}};
    if (!required.isEmpty())
        s.insert(QStringLiteral("required"), QJsonArray::fromStringList(required));
    if (!openEnded) s.insert(QStringLiteral("additionalProperties"), false);
    return s;
}

QJsonObject withTypes(QJsonObject schema, const QStringList& types) {
    schema.insert(QStringLiteral("type"), QJsonArray::fromStringList(types));
    return schema;
}

QJsonObject described(QJsonObject schema, const QString& description) {
    return withDescription(std::move(schema), description);
}

QString Violation::toString() const {
    return path.isEmpty() ? QStringLiteral("body %1").arg(message)
                          : QStringLiteral("%1 %2").arg(path, message);
}

std::optional<Violation> validate(const QJsonValue& value, const QJsonObject& schema) {
    return check(value, schema, QString());
}

}  // namespace soundlab::api::schema
