#include "api/MultipartFormData.h"

#include <QByteArrayList>
#include <algorithm>

namespace soundlab::api {

namespace {

// RFC 2046 §5.1.1: 1 to 70 characters.
constexpr qsizetype kMaxBoundaryLength = 70;
// Each part's headers; ours are two short lines, anything far larger is not a form.
constexpr qsizetype kMaxPartHeadBytes = 16 * 1024;

// Splits a header value at the semicolons that are not inside a quoted string:
// `form-data; name="a;b"` → [`form-data`, `name="a;b"`].
QByteArrayList splitParameters(const QByteArray& value) {
    QByteArrayList items;
    QByteArray current;
    bool quoted = false;
    for (qsizetype i = 0; i < value.size(); ++i) {
        const char c = value.at(i);
        if (quoted && c == '\\' && i + 1 < value.size()) {
            current += c;
            current += value.at(++i);
            continue;
        }
        if (c == '"') quoted = !quoted;
        if (c == ';' && !quoted) {
            items.append(current.trimmed());
            current.clear();
        } else {
            current += c;
        }
    }
    items.append(current.trimmed());
    return items;
}

// `name="value"` or `name=value` → value, with quoted-pair escapes removed.
QByteArray parameterValue(const QByteArray& item) {
    const qsizetype equals = item.indexOf('=');
    QByteArray value = item.mid(equals + 1).trimmed();
    if (value.size() >= 2 && value.startsWith('"') && value.endsWith('"')) {
        value = value.mid(1, value.size() - 2);
        QByteArray unescaped;
        for (qsizetype i = 0; i < value.size(); ++i) {
            if (value.at(i) == '\\' && i + 1 < value.size()) ++i;
            unescaped += value.at(i);
        }
        return unescaped;
    }
    return value;
}

QByteArray parameterName(const QByteArray& item) {
    const qsizetype equals = item.indexOf('=');
    return equals < 0 ? QByteArray() : item.left(equals).trimmed().toLower();
}

QByteArray boundaryOf(const QByteArray& contentType) {
    const QByteArrayList items = splitParameters(contentType);
    for (qsizetype i = 1; i < items.size(); ++i)
        if (parameterName(items.at(i)) == "boundary") return parameterValue(items.at(i));
    return {};
}

// Reads one part's header block into `part`; returns an error or an empty string.
QString readPartHead(const QByteArray& head, int index, FormDataPart* part) {
    bool isFormData = false;
    part->contentType = "text/plain";
    for (const QByteArray& line : head.split('\n')) {
        const QByteArray trimmed = line.trimmed();
        if (trimmed.isEmpty()) continue;
        const qsizetype colon = trimmed.indexOf(':');
        if (colon <= 0) return QStringLiteral("part %1 has a malformed header line").arg(index);
        const QByteArray name = trimmed.left(colon).trimmed().toLower();
        const QByteArray value = trimmed.mid(colon + 1).trimmed();
        if (name == "content-type") {
            part->contentType = value;
        } else if (name == "content-disposition") {
            const QByteArrayList items = splitParameters(value);
            isFormData = items.value(0).toLower() == "form-data";
            for (qsizetype i = 1; i < items.size(); ++i) {
                const QByteArray parameter = parameterName(items.at(i));
                if (parameter == "name")
                    part->name = QString::fromUtf8(parameterValue(items.at(i)));
                if (parameter == "filename")
                    part->fileName = QString::fromUtf8(parameterValue(items.at(i)));
            }
        }
    }
    if (!isFormData)
        return QStringLiteral("part %1 has no 'Content-Disposition: form-data' header").arg(index);
    if (part->name.isEmpty()) return QStringLiteral("part %1 has no field name").arg(index);
    return {};
}

MultipartFormData failure(const QString& error) {
    MultipartFormData form;
    form.error = error;
    return form;
}

}  // namespace

const FormDataPart* MultipartFormData::part(const QString& name) const {
    for (const FormDataPart& p : parts)
        if (p.name == name) return &p;
    return nullptr;
}

MultipartFormData MultipartFormData::parse(const QByteArray& contentType, const QByteArray& body) {
    const QByteArray boundary = boundaryOf(contentType);
    if (boundary.isEmpty())
        return failure(QStringLiteral("the Content-Type names no multipart boundary"));
    if (boundary.size() > kMaxBoundaryLength)
        return failure(QStringLiteral("the multipart boundary is longer than %1 characters")
                           .arg(kMaxBoundaryLength));

    const QByteArray delimiter = "--" + boundary;
    // The first delimiter opens the body or follows the preamble's last CRLF.
    qsizetype position = body.startsWith(delimiter) ? 0 : body.indexOf("\r\n" + delimiter);
    if (position < 0) return failure(QStringLiteral("the body contains no multipart boundary"));
    if (position > 0) position += 2;

    const QByteArray nextDelimiter = "\r\n" + delimiter;
    MultipartFormData form;
    for (int index = 1;; ++index) {
        position += delimiter.size();
        if (body.mid(position, 2) == "--") break;  // the closing delimiter; an epilogue may follow
        // Transport padding (RFC 2046: linear whitespace) then the line break.
        while (position < body.size() && (body.at(position) == ' ' || body.at(position) == '\t'))
            ++position;
        if (body.mid(position, 2) != "\r\n")
            return failure(
                QStringLiteral("boundary %1 is not followed by a line break").arg(index));
        position += 2;

        // Headers end at an empty line. Searching from the line break just consumed also finds
        // the empty line of a part without headers (which is refused below: it has no name).
        const qsizetype headEnd = body.indexOf("\r\n\r\n", position - 2);
        if (headEnd < 0 || headEnd - position > kMaxPartHeadBytes)
            return failure(QStringLiteral("part %1 has no end of headers").arg(index));
        FormDataPart part;
        const QString headError = readPartHead(
            body.mid(position, std::max<qsizetype>(0, headEnd - position)), index, &part);
        if (!headError.isEmpty()) return failure(headError);
        const qsizetype dataStart = headEnd + 4;

        const qsizetype dataEnd = body.indexOf(nextDelimiter, dataStart);
        if (dataEnd < 0)
            return failure(
                QStringLiteral("part %1 is not closed by a boundary (body truncated?)").arg(index));
        part.data = body.mid(dataStart, dataEnd - dataStart);
        form.parts.append(std::move(part));
        position = dataEnd + 2;
    }
    if (form.parts.isEmpty()) return failure(QStringLiteral("the multipart body has no parts"));
    return form;
}

}  // namespace soundlab::api
