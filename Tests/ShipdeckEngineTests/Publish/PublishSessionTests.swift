import Testing
@testable import ShipdeckEngine

/// How a publish numbers each unit's attempts: one number per try, whether or not it ran.
@Suite struct PublishSessionTests {
    @Test func aUnitThatEndedBeforeItStartedIsRetriedAsAttemptTwo() {
        let session = PublishSession()
        // Cancelled (or not run because the release failed) before it ever started.
        #expect(session.finished("homebrew:tap", .cancelled) == 1)
        #expect(session.result("homebrew:tap") == .cancelled)
        #expect(session.startAttempt("homebrew:tap") == 2)
        #expect(session.result("homebrew:tap") == nil)
        #expect(session.finished("homebrew:tap", .done) == 2)
    }

    @Test func aUnitThatRanEndsTheAttemptItStarted() {
        let session = PublishSession()
        #expect(session.startAttempt("github:asset:a.tar.gz") == 1)
        #expect(session.finished("github:asset:a.tar.gz", .failed) == 1)
        #expect(session.startAttempt("github:asset:a.tar.gz") == 2)
        #expect(session.finished("github:asset:a.tar.gz", .done) == 2)
    }
}
