#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <initializer_list>
#include <optional>
#include <utility>

// A small JSON Schema (2020-12) subset: enough to describe our request and response bodies in
// OpenAPI 3.1 and to validate requests against the very same schema objects.
//
// Supported keywords: type (a name or a list of names), properties, required,
// additionalProperties (boolean or schema), items, minItems, maxItems, enum, minimum, maximum,
// minLength, maxLength, pattern, description, nullable by `type: [..., "null"]`.
namespace soundlab::api::schema {

QJsonObject boolean(const QString& description = {});
QJsonObject integer(std::optional<double> minimum = {}, std::optional<double> maximum = {},
                    const QString& description = {});
QJsonObject number(std::optional<double> minimum = {}, std::optional<double> maximum = {},
                   const QString& description = {});
QJsonObject string(const QString& description = {});
QJsonObject stringEnum(const QStringList& values, const QString& description = {});
QJsonObject arrayOf(const QJsonObject& items, const QString& description = {});
// A closed object (additionalProperties: false) unless `openEnded`.
QJsonObject object(std::initializer_list<std::pair<QString, QJsonObject>> properties,
                   const QStringList& required = {}, bool openEnded = false);
// `schema` with several allowed types, e.g. anyType(integer(), {"string"}).
QJsonObject withTypes(QJsonObject schema, const QStringList& types);
QJsonObject described(QJsonObject schema, const QString& description);

// The first place where `value` breaks `schema`. `path` names the field ("engine.amplitudes[3]";
// empty for the document itself).
struct Violation {
    QString path;
    QString message;
    QString toString() const;
};
std::optional<Violation> validate(const QJsonValue& value, const QJsonObject& schema);

}  // namespace soundlab::api::schema
