#include "api/RouteTable.h"

#include <gtest/gtest.h>

using namespace soundlab::api;

namespace {

Route route(const QByteArray& method, const QString& path, QString tag = {}) {
    Route r;
    r.method = method;
    r.path = path;
    r.tag = std::move(tag);
    r.handler = [](const Request&) { return Response::json(QJsonObject{}); };
    return r;
}

// One table for the whole program: a match points into the table it came from.
const RouteTable& presetsTable() {
    static const RouteTable table = [] {
        RouteTable t;
        t.add(route("GET", "/api/presets"));
        t.add(route("POST", "/api/presets"));
        t.add(route("GET", "/api/presets/{id}"));
        t.add(route("PUT", "/api/presets/{id}"));
        t.add(route("POST", "/api/presets/export"));
        return t;
    }();
    return table;
}

}  // namespace

TEST(RouteTable, MatchesLiteralPaths) {
    const auto m = presetsTable().match("GET", "/api/presets");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.route->path, "/api/presets");
}

TEST(RouteTable, ExtractsAndDecodesPathParameters) {
    const auto m = presetsTable().match("PUT", "/api/presets/my%20preset%2F2");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.pathParams.value("id"), "my preset/2");
}

TEST(RouteTable, UnknownPathIsNotKnown) {
    const auto m = presetsTable().match("GET", "/api/nothing");
    EXPECT_EQ(m.route, nullptr);
    EXPECT_FALSE(m.pathKnown());
}

TEST(RouteTable, WrongMethodOnAKnownPathListsTheAllowedMethods) {
    const auto m = presetsTable().match("DELETE", "/api/presets");
    EXPECT_EQ(m.route, nullptr);
    ASSERT_TRUE(m.pathKnown());
    EXPECT_EQ(m.allowedMethods, (QByteArrayList{"GET", "POST"}));
}

TEST(RouteTable, LiteralSegmentBeatsParameter) {
    RouteTable table;
    table.add(route("POST", "/api/presets/{id}"));
    table.add(route("POST", "/api/presets/export"));
    const auto m = table.match("POST", "/api/presets/export");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.route->path, "/api/presets/export");
}

TEST(RouteTable, SameMethodAndPathReplacesTheRoute) {
    RouteTable table;
    table.add(route("GET", "/api/status", "first"));
    table.add(route("GET", "/api/status", "second"));
    ASSERT_EQ(table.routes().size(), 1);
    EXPECT_EQ(table.routes().first().tag, "second");
}

TEST(RouteTable, EmptyParameterDoesNotMatch) {
    EXPECT_EQ(presetsTable().match("GET", "/api/presets/").route, nullptr);
}
