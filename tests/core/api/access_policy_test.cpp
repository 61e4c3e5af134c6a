#include "api/AccessPolicy.h"

#include <gtest/gtest.h>
#include <QCoreApplication>

using namespace soundlab::api;

TEST(AccessPolicy, WithoutTokenEverythingIsAccepted) {
    const AccessPolicy policy({}, {});
    EXPECT_FALSE(policy.tokenRequired());
    EXPECT_TRUE(policy.acceptsAuthorization({}));
}

TEST(AccessPolicy, AcceptsOnlyTheBearerToken) {
    const AccessPolicy policy("s3cret", {});
    EXPECT_TRUE(policy.acceptsAuthorization("Bearer s3cret"));
    EXPECT_TRUE(policy.acceptsAuthorization("bearer   s3cret "));
    EXPECT_FALSE(policy.acceptsAuthorization("Bearer s3cre"));
    EXPECT_FALSE(policy.acceptsAuthorization("Bearer s3cret2"));
    EXPECT_FALSE(policy.acceptsAuthorization("Basic s3cret"));
    EXPECT_FALSE(policy.acceptsAuthorization("s3cret"));
    EXPECT_FALSE(policy.acceptsAuthorization({}));
    EXPECT_TRUE(policy.acceptsToken("s3cret"));
    EXPECT_FALSE(policy.acceptsToken({}));
}

TEST(AccessPolicy, OriginsMustBeListedUnlessNotFromABrowser) {
    AccessPolicy policy({}, {"http://app.example"});
    EXPECT_TRUE(policy.originAllowed({}));
    EXPECT_TRUE(policy.originAllowed("http://app.example"));
    EXPECT_FALSE(policy.originAllowed("http://evil.example"));
    policy.allowOwnOrigins({"http://127.0.0.1:8000"});
    EXPECT_TRUE(policy.originAllowed("http://127.0.0.1:8000"));
    EXPECT_TRUE(AccessPolicy({}, {"*"}).originAllowed("http://anything"));
}

TEST(AccessPolicy, RefusesToListenBeyondLoopbackWithoutTokenUnlessInsecure) {
    const QHostAddress any(QHostAddress::AnyIPv4);
    const auto refusal = AccessPolicy::bindRefusal(any, false, false);
    ASSERT_TRUE(refusal);
    EXPECT_TRUE(refusal->contains("--token")) << refusal->toStdString();
    EXPECT_TRUE(refusal->contains("--insecure"));
    EXPECT_FALSE(AccessPolicy::bindRefusal(any, true, false));
    EXPECT_FALSE(AccessPolicy::bindRefusal(any, false, true));
    EXPECT_FALSE(AccessPolicy::bindRefusal(QHostAddress(QHostAddress::LocalHost), false, false));
    EXPECT_FALSE(
        AccessPolicy::bindRefusal(QHostAddress(QHostAddress::LocalHostIPv6), false, false));
}

TEST(AccessPolicy, ResolvesLocalhostAndLiterals) {
    // Host lookups need an application object.
    static int argc = 1;
    static char name[] = "access_policy_test";
    static char* argv[] = {name, nullptr};
    if (!QCoreApplication::instance()) new QCoreApplication(argc, argv);
    QString error;
    EXPECT_EQ(AccessPolicy::resolveHost("localhost", &error),
              QHostAddress(QHostAddress::LocalHost));
    EXPECT_EQ(AccessPolicy::resolveHost("0.0.0.0", &error), QHostAddress(QHostAddress::AnyIPv4));
    EXPECT_FALSE(AccessPolicy::resolveHost("no-such-host.invalid", &error));
    EXPECT_FALSE(error.isEmpty());
}

TEST(AccessPolicy, LoopbackOnlyHostsDefeatDnsRebinding) {
    AccessPolicy policy({}, {});
    EXPECT_TRUE(policy.hostAllowed("evil.example"));  // not restricted by default
    policy.restrictHostsToLoopback(true);
    for (const char* host : {"localhost", "localhost:8000", "127.0.0.1:8000", "127.0.0.1",
                             "[::1]:8000", "app.localhost:1", ""})
        EXPECT_TRUE(policy.hostAllowed(host)) << host;
    for (const char* host : {"evil.example", "evil.example:8000", "192.168.1.2:8000", "[::2]:80"})
        EXPECT_FALSE(policy.hostAllowed(host)) << host;
}
