import Testing
import TickCore

@Suite("Cost model")
struct CostModelTests {
    @Test("an idle tick every minute costs 43,200 commands a month: 8.6% of the free tier")
    func idle() {
        let model = CostModel(cadenceMinutes: 1, jobsPerDay: 0)
        #expect(model.commandsPerMonth == 43_200)
        #expect(abs(model.freeTierShare - 0.0864) < 0.0001)
        #expect(abs(model.payAsYouGoDollars - 0.0864) < 0.0001)
    }

    @Test("traffic adds one acknowledgement per claiming run, and producers one request per enqueue")
    func traffic() {
        // 10,000 jobs a day, batch 10, every minute: 1,440 runs, all of them claim (1,000 needed, 1,440 arrive).
        let model = CostModel(cadenceMinutes: 1, jobsPerDay: 10_000, batch: 10, enqueueRequestsPerDay: 100)
        #expect(model.claimingRunsPerDay == 1440)
        #expect(model.runCommandsPerMonth == (1440 + 1440) * 30)
        #expect(model.enqueueCommandsPerMonth == 3000)
        #expect(model.keepsUp)
        // Few jobs: only the runs that find one claim.
        #expect(CostModel(cadenceMinutes: 1, jobsPerDay: 24, batch: 10).claimingRunsPerDay == 24)
        // Every 5 minutes with batch 1 cannot keep up with 1,000 jobs a day.
        #expect(!CostModel(cadenceMinutes: 5, jobsPerDay: 1000, batch: 1).keepsUp)
    }
}
