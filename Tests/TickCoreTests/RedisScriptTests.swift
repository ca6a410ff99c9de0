import Testing

@testable import TickCore

/// What ``RedisScript`` sends: the source compacted, meaning unchanged.
struct RedisScriptTests {
    @Test("indentation, comment lines and spaces beside operators go; strings, `- -` and numbers before `..` stay")
    func compaction() {
        let source = """
            -- a comment
            local x = redis.call('GET', 'a = b ' .. "c , d")
              if x ~= nil and #x > 0 then
                return x .. 1 .. ' ' .. 2 - -3 .. y
              end
            return redis.call('SET', 'it\\'s = 1', "say \\"hi\\" (there)")
            """
        #expect(RedisScript.compact(source) == """
            local R=redis.call
            local x=R('GET','a = b '..\"c , d\")
            if x~=nil and #x>0 then
            return x.. 1 ..' '.. 2 - -3 ..y
            end
            return R('SET','it\\'s = 1',\"say \\\"hi\\\" (there)\")
            """)
    }

    @Test("a script without redis.call has no alias")
    func noAlias() {
        #expect(RedisScript.compact("return ARGV[1]") == "return ARGV[1]")
    }

    @Test("tick's scripts shrink by a third or more and every one still names what it calls")
    func scriptsShrink() {
        for script in [QueueScripts.claim, QueueScripts.acknowledge, QueueScripts.enqueue] {
            #expect(!script.source.contains("redis.call("))
            #expect(script.source.hasPrefix("local R=redis.call\n"))
        }
        print("scripts: claim \(QueueScripts.claim.source.utf8.count) B, acknowledge \(QueueScripts.acknowledge.source.utf8.count) B, enqueue \(QueueScripts.enqueue.source.utf8.count) B")
    }
}
