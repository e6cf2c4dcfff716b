package io.redgrid.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.redgrid.blocking.BlockedClients;
import io.redgrid.blocking.Waiter;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import io.redgrid.command.CommandHarness.ManualClock;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.CommandTable;
import io.redgrid.command.Commands;
import io.redgrid.keyspace.Keyspace;
import io.redgrid.keyspace.ShardMap;
import io.redgrid.protocol.Reply;
import io.redgrid.server.ServerStats;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The shard entity: batches, persistence and recovery, coordinator locks, active expiry. */
class KeyspaceShardTest {
  private static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.parseString("""
      akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
      akka.persistence.journal.inmem.test-serialization = on
      akka.persistence.snapshot-store.plugin = "akka.persistence.no-snapshot-store"
      akka.actor.provider = local
      """).withFallback(KeyspaceShard.akkaDefaults()).withFallback(ConfigFactory.load()));
  private static final AtomicInteger ids = new AtomicInteger(100);

  private final CommandTable table = Commands.standardTable();
  private final ManualClock clock = new ManualClock();
  private final ShardDirectory directory = new ShardDirectory(1000);
  private final ShardRuntime runtime =
      new ShardRuntime(table, new ShardMap(1000), 16, clock, new ServerStats(), directory, 100);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static byte[][] argv(String... args) {
    byte[][] argv = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
    }
    return argv;
  }

  private ShardMessage.Request request(int db, String... args) {
    byte[][] argv = argv(args);
    CommandSpec spec = table.resolve(argv);
    return new ShardMessage.Request(spec, argv, db, 2);
  }

  private Reply[] run(ActorRef<ShardMessage> shard, ShardMessage.Request... requests) throws Exception {
    CompletableFuture<Reply[]> replies = new CompletableFuture<>();
    shard.tell(new ShardMessage.Run(requests, replies));
    return replies.get(5, TimeUnit.SECONDS);
  }

  private static String text(Reply reply) {
    return new String(((Reply.Bulk) reply).value(), StandardCharsets.UTF_8);
  }

  @Test
  void aBatchSeesItsOwnEarlierWritesAndRepliesInOrder() throws Exception {
    ActorRef<ShardMessage> shard = testKit.spawn(KeyspaceShard.create(ids.incrementAndGet(), runtime));
    Reply[] replies = run(shard,
        request(0, "SET", "k", "v1"),
        request(0, "GET", "k"),
        request(0, "SET", "k", "v2"),
        request(0, "GET", "k"));
    assertEquals(Reply.OK, replies[0]);
    assertEquals("v1", text(replies[1]));
    assertEquals(Reply.OK, replies[2]);
    assertEquals("v2", text(replies[3]));
  }

  /** A shard's runtime whose batches arrive through an inbox that wakes {@code shard[0]}. */
  private record Inboxed(ShardInbox inbox, ShardRuntime runtime, ActorRef<ShardMessage>[] shard) {}

  private Inboxed inboxed() {
    @SuppressWarnings("unchecked")
    ActorRef<ShardMessage>[] shard = new ActorRef[1];
    ShardInbox inbox = new ShardInbox(1000);
    inbox.router((target, message) -> shard[0].tell(message));
    ShardRuntime inboxedRuntime = new ShardRuntime(table, new ShardMap(1000), 16, clock, new ServerStats(),
        directory, () -> 100, null, io.redgrid.pubsub.KeyspaceEvents.NONE, null, inbox);
    return new Inboxed(inbox, inboxedRuntime, shard);
  }

  @Test
  void batchesQueuedInTheInboxRunInArrivalOrderAndAreRecovered() throws Exception {
    int id = ids.incrementAndGet();
    Inboxed setup = inboxed();
    ActorRef<ShardMessage>[] shard = setup.shard();
    ShardInbox inbox = setup.inbox();
    ShardRuntime inboxed = setup.runtime();
    shard[0] = testKit.spawn(KeyspaceShard.create(id, inboxed));
    // Held by a lock, the shard takes nothing: the batches pile up in the inbox behind one Drain.
    CompletableFuture<Keyspace> held = new CompletableFuture<>();
    shard[0].tell(new ShardMessage.Lock(7, held));
    held.get(5, TimeUnit.SECONDS);
    List<CompletableFuture<Reply[]>> replies = new java.util.ArrayList<>();
    for (int i = 0; i < 50; i++) {
      CompletableFuture<Reply[]> reply = new CompletableFuture<>();
      inbox.submit(id, new ShardMessage.Run(new ShardMessage.Request[] {request(0, "INCR", "counter")}, reply));
      replies.add(reply);
    }
    assertFalse(replies.get(0).isDone(), "nothing runs while the shard is held");
    shard[0].tell(new ShardMessage.Release(7, List.of(), new CompletableFuture<>()));
    for (int i = 0; i < 50; i++) {
      assertEquals(Reply.integer(i + 1), replies.get(i).get(5, TimeUnit.SECONDS)[0], "batch " + i);
    }
    // After a round, the next submission wakes the shard again.
    CompletableFuture<Reply[]> later = new CompletableFuture<>();
    inbox.submit(id, new ShardMessage.Run(new ShardMessage.Request[] {request(0, "GET", "counter")}, later));
    assertEquals("50", text(later.get(5, TimeUnit.SECONDS)[0]));
    testKit.stop(shard[0]);
    ActorRef<ShardMessage> respawned = testKit.spawn(KeyspaceShard.create(id, runtime));
    assertEquals("50", text(run(respawned, request(0, "GET", "counter"))[0]));
  }

  @Test
  void aRestartedShardTakesBatchesWhoseWakeUpDiedWithItsPredecessor() throws Exception {
    int id = ids.incrementAndGet();
    Inboxed setup = inboxed();
    ActorRef<ShardMessage>[] shard = setup.shard();
    ShardInbox inbox = setup.inbox();
    ShardRuntime inboxed = setup.runtime();
    ActorRef<ShardMessage> dead = testKit.spawn(KeyspaceShard.create(id, inboxed));
    testKit.stop(dead);
    shard[0] = dead;
    CompletableFuture<Reply[]> reply = new CompletableFuture<>();
    inbox.submit(id, new ShardMessage.Run(new ShardMessage.Request[] {request(0, "SET", "k", "v")}, reply));
    assertFalse(reply.isDone(), "its wake-up went to a stopped shard");
    shard[0] = testKit.spawn(KeyspaceShard.create(id, inboxed));
    assertEquals(Reply.OK, reply.get(5, TimeUnit.SECONDS)[0]);
  }

  @Test
  void aStoppedShardRecoversTheSameStateFromItsEvents() throws Exception {
    int id = ids.incrementAndGet();
    ActorRef<ShardMessage> shard = testKit.spawn(KeyspaceShard.create(id, runtime));
    run(shard,
        request(0, "SET", "a", "1"),
        request(3, "SET", "b", "2", "PX", "60000"),
        request(0, "SET", "gone", "x"),
        request(0, "DEL", "gone"));
    testKit.stop(shard);

    ActorRef<ShardMessage> respawned = testKit.spawn(KeyspaceShard.create(id, runtime));
    Reply[] replies = run(respawned,
        request(0, "GET", "a"),
        request(3, "GET", "b"),
        request(0, "GET", "b"),
        request(0, "EXISTS", "gone"));
    assertEquals("1", text(replies[0]));
    assertEquals("2", text(replies[1]));
    assertEquals(Reply.NULL, replies[2]);
    assertEquals(Reply.integer(0), replies[3]);
  }

  @Test
  void aHeldShardServesNoOneElseUntilReleasedAndPersistsTheHoldersChanges() throws Exception {
    int id = ids.incrementAndGet();
    ActorRef<ShardMessage> shard = testKit.spawn(KeyspaceShard.create(id, runtime));
    run(shard, request(0, "SET", "k", "before"));

    CompletableFuture<Keyspace> granted = new CompletableFuture<>();
    shard.tell(new ShardMessage.Lock(7, granted));
    Keyspace keyspace = granted.get(5, TimeUnit.SECONDS);

    CompletableFuture<Reply[]> waiting = new CompletableFuture<>();
    shard.tell(new ShardMessage.Run(new ShardMessage.Request[] {request(0, "GET", "k")}, waiting));
    Thread.sleep(200);
    assertFalse(waiting.isDone(), "a held shard must not serve other clients");

    keyspace.database(0).put(argv("k")[0], argv("after")[0]);
    CompletableFuture<Void> persisted = new CompletableFuture<>();
    shard.tell(new ShardMessage.Release(7,
        List.of(new ShardEvent(0, argv("SET", "k", "after"))), persisted));
    persisted.get(5, TimeUnit.SECONDS);
    assertEquals("after", text(waiting.get(5, TimeUnit.SECONDS)[0]));

    testKit.stop(shard);
    ActorRef<ShardMessage> respawned = testKit.spawn(KeyspaceShard.create(id, runtime));
    assertEquals("after", text(run(respawned, request(0, "GET", "k"))[0]));
  }

  @Test
  void theActiveSweepPublishesExpiredAndRecoveryPublishesNothing() throws Exception {
    io.redgrid.pubsub.PubSubRegistry registry = new io.redgrid.pubsub.PubSubRegistry();
    io.redgrid.pubsub.KeyspaceEvents events = new io.redgrid.pubsub.KeyspaceEvents(registry);
    events.configure("KEA");
    List<String> published = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    io.redgrid.server.ClientSession subscriber = new io.redgrid.server.ClientSession(7, "a", "b", 0);
    subscriber.onPush(push -> {
      List<Reply> items = ((Reply.Push) push).items();
      published.add(text(items.get(2)) + " " + text(items.get(3)));
    });
    registry.subscribe(subscriber, io.redgrid.pubsub.Subscriptions.Kind.PATTERN,
        "__key*__:*".getBytes(StandardCharsets.UTF_8));
    ShardRuntime notifying = new ShardRuntime(table, new ShardMap(1000), 16, clock, new ServerStats(), directory,
        () -> 100, null, events);
    int id = ids.incrementAndGet();
    ActorRef<ShardMessage> shard = testKit.spawn(KeyspaceShard.create(id, notifying));
    run(shard, request(2, "SET", "short", "v", "PX", "100"));
    clock.advance(1000);
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(() -> {
      assertEquals(List.of("__keyspace@2__:short set", "__keyevent@2__:set short",
          "__keyspace@2__:short expire", "__keyevent@2__:expire short",
          "__keyspace@2__:short expired", "__keyevent@2__:expired short"), List.copyOf(published));
      return null;
    });
    testKit.stop(shard);
    published.clear();
    ActorRef<ShardMessage> respawned = testKit.spawn(KeyspaceShard.create(id, notifying));
    assertEquals(Reply.integer(0), run(respawned, request(2, "EXISTS", "short"))[0]);
    assertEquals(List.of(), List.copyOf(published));
    testKit.stop(respawned);
  }

  @Test
  void theActiveSweepDeletesExpiredKeysNobodyReads() throws Exception {
    int id = ids.incrementAndGet();
    ActorRef<ShardMessage> shard = testKit.spawn(KeyspaceShard.create(id, runtime));
    run(shard, request(0, "SET", "short", "v", "PX", "100"), request(0, "SET", "long", "v"));
    clock.advance(1000);
    CompletableFuture<Keyspace> granted = new CompletableFuture<>();
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(() -> {
      CompletableFuture<Keyspace> lock = new CompletableFuture<>();
      shard.tell(new ShardMessage.Lock(99, lock));
      Keyspace keyspace = lock.join();
      int size = keyspace.database(0).size();
      shard.tell(new ShardMessage.Release(99, List.of(), new CompletableFuture<>()));
      assertEquals(1, size);
      return null;
    });

    testKit.stop(shard);
    ActorRef<ShardMessage> respawned = testKit.spawn(KeyspaceShard.create(id, runtime));
    Reply[] replies = run(respawned, request(0, "EXISTS", "short"), request(0, "EXISTS", "long"));
    assertEquals(Reply.integer(0), replies[0], "the expiry was persisted as a delete");
    assertEquals(Reply.integer(1), replies[1]);
  }

  @Test
  void expiryCommandsKeepTheSweepIndexAndAnExpiryPassedWhileDownIsSweptAfterRecovery() throws Exception {
    int id = ids.incrementAndGet();
    ActorRef<ShardMessage> shard = testKit.spawn(KeyspaceShard.create(id, runtime));
    Reply[] replies = run(shard,
        request(0, "SET", "a", "v"),
        request(0, "SET", "b", "v"),
        request(0, "SET", "c", "v"),
        request(0, "EXPIRE", "a", "10"),
        request(0, "EXPIRE", "b", "10"),
        request(0, "PERSIST", "b"),
        request(0, "PEXPIRE", "c", "60000"));
    assertEquals(Reply.integer(1), replies[5]);
    testKit.stop(shard);

    // a's PEXPIREAT is in the past when replayed: recovery keeps it, the sweep then deletes it.
    clock.advance(20_000);
    ActorRef<ShardMessage> respawned = testKit.spawn(KeyspaceShard.create(id, runtime));
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(() -> {
      CompletableFuture<Keyspace> lock = new CompletableFuture<>();
      respawned.tell(new ShardMessage.Lock(98, lock));
      Keyspace keyspace = lock.join();
      boolean aPresent = keyspace.database(0).get(argv("a")[0]) != null;
      int size = keyspace.database(0).size();
      int indexed = keyspace.database(0).volatileCount();
      respawned.tell(new ShardMessage.Release(98, List.of(), new CompletableFuture<>()));
      assertFalse(aPresent, "the sweep deleted the key whose time passed while the shard was down");
      assertEquals(2, size);
      assertEquals(1, indexed, "only c is left in the sweep index: PERSIST took b out");
      return null;
    });
    Reply[] after = run(respawned,
        request(0, "TTL", "b"),
        request(0, "PTTL", "c"));
    assertEquals(Reply.integer(-1), after[0]);
    assertEquals(Reply.integer(40_000), after[1]);

    testKit.stop(respawned);
    // A 1 s sweep period: the lock below is served right after recovery, before any sweep, so
    // a's absence can only come from the journal.
    ShardRuntime slowSweep = new ShardRuntime(table, new ShardMap(1000), 16, clock, new ServerStats(), directory, 1);
    ActorRef<ShardMessage> again = testKit.spawn(KeyspaceShard.create(id, slowSweep));
    CompletableFuture<Keyspace> lock = new CompletableFuture<>();
    again.tell(new ShardMessage.Lock(97, lock));
    Keyspace recovered = lock.get(5, TimeUnit.SECONDS);
    boolean aRecovered = recovered.database(0).get(argv("a")[0]) != null;
    again.tell(new ShardMessage.Release(97, List.of(), new CompletableFuture<>()));
    assertFalse(aRecovered, "the sweep's delete was persisted");
  }

  @Test
  void theEventFormatIsRespAsInRedisAof() throws Exception {
    byte[] db0 = ShardEventSerializer.encode(new ShardEvent(0, argv("SET", "k", "v", "PXAT", "1700000060000")));
    assertEquals("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
        + "*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n$4\r\nPXAT\r\n$13\r\n1700000060000\r\n",
        new String(db0, StandardCharsets.UTF_8));
    assertEquals(0, ShardEventSerializer.decode(db0).db());
    ShardEvent withoutSelect = ShardEventSerializer.decode(
        "*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(0, withoutSelect.db());
    byte[] db5 = ShardEventSerializer.encode(new ShardEvent(5, argv("DEL", "k")));
    assertEquals("*2\r\n$6\r\nSELECT\r\n$1\r\n5\r\n*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n",
        new String(db5, StandardCharsets.UTF_8));
    ShardEvent decoded = ShardEventSerializer.decode(db5);
    assertEquals(5, decoded.db());
    assertArrayEquals(argv("DEL", "k")[1], decoded.command()[1]);
    assertEquals("resp1", new ShardEventSerializer().manifest(decoded));
    assertTrue(new ShardEventSerializer().identifier() > 40, "identifiers up to 40 are Akka's");
  }

  @Test
  void blockedClientsAreServedInOrderByTheShardAndTheirPopsPersisted() throws Exception {
    BlockedClients blocked = new BlockedClients(Runnable::run, (ms, task) -> { });
    ShardRuntime blocking = new ShardRuntime(table, new ShardMap(1000), 16, clock, new ServerStats(),
        directory, () -> 100, blocked);
    int id = ids.incrementAndGet();
    ActorRef<ShardMessage> shard = testKit.spawn(KeyspaceShard.create(id, blocking));
    blocked.retrier(waiter -> {
      CompletableFuture<Reply[]> replies = new CompletableFuture<>();
      shard.tell(new ShardMessage.Run(new ShardMessage.Request[] {new ShardMessage.Request(
          waiter.spec(), waiter.argv(), waiter.db(), waiter.protocol(), waiter.clientId(), true)}, replies));
      return replies.thenApply(r -> r[0]);
    });
    ShardMessage.Request first = withClient(request(0, "BLPOP", "q", "0"), 1);
    ShardMessage.Request second = withClient(request(0, "BRPOP", "q", "0"), 2);
    assertSame(BlockedClients.BLOCKED, run(shard, first)[0]);
    assertSame(BlockedClients.BLOCKED, run(shard, second)[0]);
    Waiter one = blocked.take(1);
    Waiter two = blocked.take(2);
    assertEquals(2, blocked.count());

    run(shard, request(0, "RPUSH", "q", "a", "b", "c"));
    Reply servedFirst = one.reply().get(5, TimeUnit.SECONDS);
    Reply servedSecond = two.reply().get(5, TimeUnit.SECONDS);
    assertEquals("a", text(((Reply.Array) servedFirst).items().get(1)));
    assertEquals("c", text(((Reply.Array) servedSecond).items().get(1)));
    assertEquals(0, blocked.count());

    // The pops are events: a restarted shard holds only what was left.
    testKit.stop(shard);
    ActorRef<ShardMessage> restarted = testKit.spawn(KeyspaceShard.create(id, runtime));
    Reply[] after = run(restarted, request(0, "LRANGE", "q", "0", "-1"));
    assertEquals(1, ((Reply.Array) after[0]).items().size());
    assertEquals("b", text(((Reply.Array) after[0]).items().get(0)));
  }

  private static ShardMessage.Request withClient(ShardMessage.Request request, long client) {
    return new ShardMessage.Request(request.spec(), request.argv(), request.db(), request.protocol(), client, false);
  }

}
