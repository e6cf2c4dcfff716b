package io.redgrid.scripting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.command.CommandHarness;
import io.redgrid.command.Effects;
import io.redgrid.keyspace.Keyspace;
import io.redgrid.protocol.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The undeclared-key policy of {@link ScriptRunner}: a higher shard is taken on the way, a lower
 * one restarts a script that has not written, and fails one that has (which then takes every
 * shard from its next run on). Shards here are the harness' keyspaces behind a recording fake.
 */
class UndeclaredKeysTest {
  private final CommandHarness redis = new CommandHarness();
  private final List<String> log = new ArrayList<>();
  private final ScriptRunner runner = redis.scripts();

  UndeclaredKeysTest() {
    runner.shardMap(redis.shardMap);
  }

  @AfterEach
  void stop() {
    redis.close();
  }

  /** Holds only what it was given or took above; touching anything else fails the test. */
  private final ScriptRunner.ShardSource source = new ScriptRunner.ShardSource() {
    @Override
    public ScriptRunner.Held acquire(int[] shards) {
      TreeSet<Integer> held = new TreeSet<>();
      Arrays.stream(shards).forEach(held::add);
      log.add("acquire " + held);
      List<Keyspace> keyspaces = redis.keyspaces();
      return new ScriptRunner.Held() {
        @Override
        public Keyspace keyspaceFor(byte[] key) {
          int shard = redis.shardMap.shardOf(key);
          if (!held.contains(shard)) {
            throw new IllegalStateException("touched unheld shard " + shard);
          }
          return keyspaces.get(shard);
        }

        @Override
        public List<Keyspace> all() {
          List<Keyspace> all = new ArrayList<>();
          held.forEach(shard -> all.add(keyspaces.get(shard)));
          return all;
        }

        @Override
        public boolean holds(int shard) {
          return held.contains(shard);
        }

        @Override
        public boolean acquireAbove(int shard) {
          if (shard <= held.last()) {
            return false;
          }
          held.add(shard);
          log.add("above " + shard);
          return true;
        }

        @Override
        public Effects effects() {
          return (shard, db, argv) -> log.add("effect " + shard + " " + new String(argv[0], StandardCharsets.UTF_8));
        }

        @Override
        public java.util.concurrent.CompletionStage<Void> release() {
          log.add("release");
          return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
      };
    }

    @Override
    public int shardCount() {
      return redis.shardMap.shardCount();
    }

    @Override
    public int shardOf(byte[] key) {
      return redis.shardMap.shardOf(key);
    }
  };

  private String keyOnShard(int shard) {
    for (int i = 0; ; i++) {
      String key = "key" + i;
      if (redis.shardMap.shardOf(key.getBytes(StandardCharsets.UTF_8)) == shard) {
        return key;
      }
    }
  }

  private Reply eval(String script, String... keysThenArgs) {
    byte[][] argv = new byte[keysThenArgs.length + 3][];
    argv[0] = "eval".getBytes(StandardCharsets.UTF_8);
    argv[1] = script.getBytes(StandardCharsets.UTF_8);
    argv[2] = Integer.toString(keysThenArgs.length).getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < keysThenArgs.length; i++) {
      argv[3 + i] = keysThenArgs[i].getBytes(StandardCharsets.UTF_8);
    }
    return runner.run(redis.table.lookup("eval"), argv, redis::context, source).toCompletableFuture().join();
  }

  /** Starts an EVAL without waiting for it. */
  private java.util.concurrent.CompletableFuture<Reply> evalLater(String script, String key) {
    byte[][] argv = {"eval".getBytes(StandardCharsets.UTF_8), script.getBytes(StandardCharsets.UTF_8),
        "1".getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8)};
    return runner.run(redis.table.lookup("eval"), argv, redis::context, source).toCompletableFuture();
  }

  @Test
  void queuedRunsShareTheHeldShardsAndReplyAfterTheirCommonRelease() throws Exception {
    java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
    runner.execute(() -> {
      try {
        busy.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    String set = "return redis.call('set', KEYS[1], 'v')";
    List<java.util.concurrent.CompletableFuture<Reply>> replies = List.of(
        evalLater(set, keyOnShard(0)), evalLater(set, keyOnShard(1)), evalLater(set, keyOnShard(0)),
        evalLater(set, keyOnShard(0)));
    busy.countDown();
    for (java.util.concurrent.CompletableFuture<Reply> reply : replies) {
      assertEquals(Reply.OK, reply.get(10, java.util.concurrent.TimeUnit.SECONDS));
    }
    // One lock round trip for all four: shard 1 lies above the held 0, the last two find 0 held.
    assertEquals(List.of("acquire [0]", "effect 0 SET", "above 1", "effect 1 SET", "effect 0 SET",
        "effect 0 SET", "release"), log);
  }

  @Test
  void aKeyOfAHigherShardIsTakenOnTheWay() {
    String low = keyOnShard(0);
    String high = keyOnShard(3);
    Reply reply = eval("redis.call('set', KEYS[1], 'a') redis.call('set', '" + high + "', 'b') return 1", low);
    assertEquals(Reply.integer(1), reply);
    assertEquals(List.of("acquire [0]", "effect 0 SET", "above 3", "effect 3 SET", "release"), log);
    assertEquals("\"b\"", redis.cli("get", high));
  }

  @Test
  void aKeyOfALowerShardBeforeAnyWriteRestartsWithEveryShard() {
    String low = keyOnShard(0);
    String high = keyOnShard(3);
    redis.run("set", low, "10");
    Reply reply = eval("local v = redis.call('get', '" + low + "') redis.call('set', KEYS[1], v) return v", high);
    assertEquals("\"10\"", CommandHarness.render(reply, ""));
    assertEquals(List.of("acquire [3]", "release", "acquire [0, 1, 2, 3]", "effect 3 SET", "release"), log);
    assertEquals("\"10\"", redis.cli("get", high));
  }

  @Test
  void aKeyOfALowerShardAfterAWriteFailsAndLaterRunsTakeEveryShard() {
    String low = keyOnShard(0);
    String high = keyOnShard(3);
    String script = "redis.call('set', KEYS[1], 'x') return redis.call('get', '" + low + "')";
    Reply reply = eval(script, high);
    assertTrue(reply instanceof Reply.Error error && error.message().startsWith(ScriptRunner.UNDECLARED),
        reply.toString());
    assertEquals(List.of("acquire [3]", "effect 3 SET", "release"), log);
    log.clear();
    redis.run("set", low, "y");
    assertEquals("\"y\"", CommandHarness.render(eval(script, high), ""));
    assertEquals("acquire [0, 1, 2, 3]", log.get(0));
  }

  @Test
  void noKeysTakesEveryShard() {
    assertEquals(Reply.integer(1), eval("return 1"));
    assertEquals(List.of("acquire [0, 1, 2, 3]", "release"), log);
  }

  @Test
  void aRestartingRunRunsNothingMoreEvenUnderPcall() {
    String low = keyOnShard(0);
    String high = keyOnShard(3);
    Reply reply = eval("pcall(redis.call, 'get', '" + low + "') redis.call('set', KEYS[1], 'once') "
        + "return redis.call('incr', 'counter" + "')", high);
    assertEquals(List.of("acquire [3]", "release", "acquire [0, 1, 2, 3]", "effect 3 SET",
        "effect " + redis.shardMap.shardOf("counter".getBytes(StandardCharsets.UTF_8)) + " incr", "release"), log);
    assertEquals("(integer) 1", CommandHarness.render(reply, ""));
  }
}
