package io.redgrid.persistence.aof;

import io.redgrid.files.AtomicFiles;
import io.redgrid.files.IoConsumer;

import akka.actor.AbstractExtensionId;
import akka.actor.ActorSystem;
import akka.actor.ExtendedActorSystem;
import akka.actor.Extension;
import akka.actor.ExtensionIdProvider;
import com.typesafe.config.Config;
import io.redgrid.persistence.PersistencePlugins;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's append-only file set (one per ActorSystem): the Redis 7 multi-part layout (manifest,
 * base, incr files), one writer thread that group-commits every shard's events into the current
 * incr file, the fsync policy, the index of where each persistence id's events are, and the hooks a
 * rewrite needs. All file mutations run on the writer thread, in queue order.
 */
public final class AppendOnlyFile implements Extension {
  private static final Logger log = LoggerFactory.getLogger(AppendOnlyFile.class);

  /** The extension id. */
  public static final class Id extends AbstractExtensionId<AppendOnlyFile> implements ExtensionIdProvider {
    static final Id INSTANCE = new Id();

    @Override
    public AppendOnlyFile createExtension(ExtendedActorSystem system) {
      Config config =
          system.settings().config().withFallback(PersistencePlugins.akkaDefaults())
              .getConfig(PersistencePlugins.AOF_JOURNAL);
      AppendOnlyFile aof = new AppendOnlyFile(config, system.name());
      system.registerOnTermination(aof::close);
      return aof;
    }

    @Override
    public Id lookup() {
      return INSTANCE;
    }
  }

  public static AppendOnlyFile get(ActorSystem system) {
    return Id.INSTANCE.get(system);
  }

  /**
   * One AtomicWrite (or a delete line, or a unit's MULTI/EXEC marker with a null persistence id)
   * ready to be appended; offsets are relative to {@code data}. A non-zero {@code unit} makes it one
   * of {@code parts} parts of a transaction unit, written only together with the others; a part
   * with null {@code data} could not be encoded and fails its unit.
   */
  record Write(
      byte[] data, String persistenceId, long[] seqs, int[] offsets, int[] lengths, long deleteTo,
      CompletableFuture<Void> done, long unit, int parts) {
    Write(byte[] data, String persistenceId, long[] seqs, int[] offsets, int[] lengths, long deleteTo,
        CompletableFuture<Void> done) {
      this(data, persistenceId, seqs, offsets, lengths, deleteTo, done, 0, 0);
    }
  }

  /** The parts of a transaction unit that have arrived; writer thread only (under fileLock). */
  private static final class PendingUnit {
    final int parts;
    final long since = System.nanoTime();
    final List<Write> arrived = new ArrayList<>();
    boolean failed;

    PendingUnit(int parts) {
      this.parts = parts;
    }
  }

  /**
   * How long the parts of a unit wait for the rest. The coordinator releases every part at once,
   * so only a lost part (a shard that died while held) waits this long; its unit then fails, and
   * the shards recover without it, all or nothing. (Akka's journal acknowledges writes in request
   * order, so acknowledgements of later writes wait for the unit meanwhile.)
   */
  static final long UNIT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

  /** A file operation that must run after every write queued before it. */
  private record Task(Runnable body) {}

  private final Path directory;
  private final String appendFilename;
  private final Path manifestPath;
  private final boolean loadTruncated;
  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  /**
   * Guards the file position and the index: held by the writer thread while it processes what it
   * drained, and by a caller writing directly. {@code pending} counts queued operations not yet
   * processed (raised before queueing, lowered after processing); a direct write happens only
   * when it is 0, so nothing overtakes a queued one.
   */
  private final Object fileLock = new Object();
  private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
  private final Thread writer;
  private final ScheduledExecutorService fsyncer;
  private final AtomicBoolean dirty = new AtomicBoolean();
  private final AtomicLong fsyncs = new AtomicLong();

  private volatile boolean enabled;
  private volatile FsyncPolicy fsync;
  private volatile boolean lastWriteOk = true;
  private volatile AofLoadException startFailure;
  private volatile Map<String, PidIndex> index = new ConcurrentHashMap<>();
  private final Map<Integer, FileChannel> channels = new ConcurrentHashMap<>();
  /** Transaction units whose parts have not all arrived, by unit id (under fileLock). */
  private final Map<Long, PendingUnit> units = new HashMap<>();
  private volatile long currentSize;
  private volatile long baseSize;
  private volatile long sizeAtLastRewrite;

  // Changed only by the writer thread (and the constructor before it starts).
  private volatile AofManifest manifest;
  private volatile FileChannel current;
  private int currentIncr;
  private long currentPos;

  AppendOnlyFile(Config config, String name) {
    this.directory = Paths.get(config.getString("dir")).resolve(config.getString("appenddirname"));
    this.appendFilename = config.getString("appendfilename");
    this.manifestPath = directory.resolve(appendFilename + ".manifest");
    this.loadTruncated = yes(config, "aof-load-truncated");
    this.fsync = FsyncPolicy.parse(config.getString("appendfsync"));
    this.enabled = yes(config, "appendonly");
    if (enabled) {
      try {
        load();
      } catch (AofLoadException e) {
        log.error(e.getMessage());
        startFailure = e;
      } catch (IOException | RuntimeException e) {
        startFailure = new AofLoadException("Can't load the append only file in " + directory + ": " + e, e);
        log.error(startFailure.getMessage());
      }
    }
    writer = new Thread(this::runWriter, "redgrid-aof-writer-" + name);
    writer.setDaemon(true);
    writer.start();
    fsyncer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "redgrid-aof-fsync-" + name);
              t.setDaemon(true);
              return t;
            });
    fsyncer.scheduleWithFixedDelay(this::backgroundFsync, 1, 1, TimeUnit.SECONDS);
    // Parts parked by callers (not the writer) must time out even when nothing else is queued.
    fsyncer.scheduleWithFixedDelay(() -> {
      synchronized (fileLock) {
        expireUnits();
      }
    }, 1, 1, TimeUnit.SECONDS);
  }

  private static boolean yes(Config config, String key) {
    String v = config.getString(key);
    return v.equalsIgnoreCase("yes") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("on");
  }

  // ---------------------------------------------------------------- public API

  /** Redis' appendonly. */
  public boolean enabled() {
    return enabled;
  }

  /**
   * CONFIG SET appendonly. Turning it on starts a fresh incr file (earlier files become history and
   * are deleted by the next {@link #completeRewrite}); turning it off fsyncs and closes the files and
   * forgets the index. Waits for the writer thread to switch.
   */
  public void setEnabled(boolean on) {
    if (on == enabled) {
      return;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (on) {
      // Task first, flag second: a write that sees the flag is queued behind the new file.
      enqueue(new Task(() -> complete(done, this::openFresh)));
      enabled = true;
      try {
        done.join();
      } catch (RuntimeException e) {
        enabled = false;
        throw e;
      }
      return;
    } else {
      // Flag first, task second: every write queued while it was on lands before the close.
      enabled = false;
      enqueue(new Task(() -> complete(done, this::closeFiles)));
    }
    done.join();
  }

  public FsyncPolicy fsync() {
    return fsync;
  }

  public void setFsync(FsyncPolicy p) {
    this.fsync = p;
  }

  /**
   * Closes the current incr file and starts a new one (manifest updated atomically); returns the new
   * incr number. Writes queued before the call land in the old file(s), later ones in the new.
   */
  public CompletionStage<Integer> rotate() {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    if (startFailure != null) {
      return CompletableFuture.failedFuture(startFailure);
    }
    enqueue(new Task(() -> {
      try {
        done.complete(doRotate());
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    }));
    return done;
  }

  /**
   * Finishes a rewrite: writes {@code <appendfilename>.<n>.base.rdb} with {@code baseWriter} (temp
   * file, fsync, rename) off the writer thread, then an atomic manifest = that base + the incr files
   * from {@code firstKeptIncr} on, deletes the older base/incr/history files and forgets their
   * events (snapshots cover them).
   */
  public CompletionStage<Void> completeRewrite(int firstKeptIncr, IoConsumer<OutputStream> baseWriter) {
    if (startFailure != null) {
      // Never replace files we could not read.
      return CompletableFuture.failedFuture(startFailure);
    }
    CompletableFuture<Long> base = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        base.complete(writeBase(baseWriter));
      } catch (Throwable e) {
        base.completeExceptionally(e);
      }
    }, "redgrid-aof-rewrite");
    t.setDaemon(true);
    t.start();
    return base.thenCompose(seq -> {
      CompletableFuture<Void> done = new CompletableFuture<>();
      enqueue(new Task(() -> complete(done, () -> switchToBase(seq, firstKeptIncr))));
      return done;
    });
  }

  /** INFO aof_current_size: base plus incr files. */
  public long currentSize() {
    return currentSize;
  }

  /** INFO aof_base_size. */
  public long baseSize() {
    return baseSize;
  }

  /** The size right after the last rewrite (or load): auto-aof-rewrite-percentage compares against it. */
  public long sizeAtLastRewrite() {
    return sizeAtLastRewrite;
  }

  /** INFO aof_last_write_status. */
  public boolean lastWriteOk() {
    return lastWriteOk;
  }

  /** Writes and fsyncs everything queued so far. */
  public CompletionStage<Void> flush() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    enqueue(new Task(() -> complete(done, this::forceCurrent)));
    return done;
  }

  public Path directory() {
    return directory;
  }

  public Path manifestPath() {
    return manifestPath;
  }

  /** Why the AOF could not be loaded at start-up, or null. */
  public AofLoadException startFailure() {
    return startFailure;
  }

  // ---------------------------------------------------------------- journal side

  long fsyncCount() {
    return fsyncs.get();
  }

  /** Test hook: operations waiting for the writer thread. */
  int queuedForTest() {
    return queue.size();
  }

  /** Test hook: the writer thread runs {@code body} after the writes queued before it. */
  void onWriterThread(Runnable body) {
    enqueue(new Task(body));
  }

  /** Queues an operation for the writer thread, after everything queued before it. */
  private void enqueue(Object op) {
    pending.incrementAndGet();
    queue.add(op);
  }

  /**
   * Writes the write at once (everysec, no, with nothing queued) or queues it; its future
   * completes once written (and fsynced under {@code always}).
   */
  CompletableFuture<Void> append(Write w) {
    if (w.unit() != 0) {
      if (fsync != FsyncPolicy.ALWAYS && pending.get() == 0) {
        synchronized (fileLock) {
          if (pending.get() == 0) {
            // The part waits in the unit table, not in the queue, so other writes still go
            // directly; the last part writes the whole block from its own thread.
            List<Write> group = new ArrayList<>();
            arrive(w, group);
            writeGroup(group);
            return w.done();
          }
        }
      }
      // Held back by the writer thread until the unit is whole.
      enqueue(w);
      return w.done();
    }
    // everysec / no: nothing waits for a group fsync, so the caller writes at once, as Redis
    // writes from its event loop: one thread hand-off less per write. Never under always, whose
    // writer holds the lock while it fsyncs: the caller (an actor) must not wait for that.
    if (fsync != FsyncPolicy.ALWAYS && pending.get() == 0) {
      synchronized (fileLock) {
        if (pending.get() == 0) {
          List<Write> alone = new ArrayList<>(1);
          alone.add(w);
          writeGroup(alone);
          return w.done();
        }
      }
    }
    enqueue(w);
    return w.done();
  }

  long highestSequenceNr(String persistenceId) {
    PidIndex p = index.get(persistenceId);
    return p == null ? 0 : p.highest();
  }

  PidIndex.Positions positions(String persistenceId, long from, long to, long max) {
    PidIndex p = index.get(persistenceId);
    return p == null ? null : p.range(from, to, max);
  }

  /**
   * Reads records for one replay through a window of the file, so that replaying a shard costs one
   * read per window instead of one per event. Confined to one thread.
   */
  final class RecordReader {
    private static final int WINDOW = 256 * 1024;
    private int file = -1;
    private long start;
    private int length;
    private byte[] buf = new byte[0];

    byte[] read(int fileNo, long offset, int size) throws IOException {
      if (fileNo != file || offset < start || offset + size > start + length) {
        FileChannel ch = channels.get(fileNo);
        if (ch == null) {
          throw new IOException(
              "AOF incr file " + AofManifest.incrName(appendFilename, fileNo) + " is no longer available");
        }
        int want = Math.max(size, WINDOW);
        if (buf.length < want) {
          buf = new byte[want];
        }
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, want);
        while (bb.position() < size) {
          int r = ch.read(bb, offset + bb.position());
          if (r < 0) {
            throw new IOException(
                "short read in " + AofManifest.incrName(appendFilename, fileNo) + " at " + offset);
          }
        }
        file = fileNo;
        start = offset;
        length = bb.position();
      }
      int from = (int) (offset - start);
      return java.util.Arrays.copyOfRange(buf, from, from + size);
    }
  }

  // ---------------------------------------------------------------- start-up

  private void load() throws IOException {
    Files.createDirectories(directory);
    AofManifest m = Files.exists(manifestPath) ? AofManifest.parse(manifestPath) : AofManifest.EMPTY;
    Map<String, PidIndex> loaded = new HashMap<>();
    long total = 0;
    List<AofManifest.Entry> incrs = m.incrs();
    for (int i = 0; i < incrs.size(); i++) {
      AofManifest.Entry e = incrs.get(i);
      Path file = directory.resolve(e.name());
      if (!Files.exists(file)) {
        throw new AofLoadException("The AOF file " + e.name() + " doesn't exist");
      }
      int fileNo = (int) e.seq();
      AofScanner.Result r = AofScanner.scan(file, new AofScanner.Sink() {
        @Override
        public void event(AofRecord.Header h, long offset, int length) {
          loaded.computeIfAbsent(h.persistenceId(), k -> new PidIndex()).append(h.sequenceNr(), fileNo, offset, length);
        }

        @Override
        public void delete(String persistenceId, long toSequenceNr) {
          loaded.computeIfAbsent(persistenceId, k -> new PidIndex()).deleteTo(toSequenceNr);
        }
      });
      if (r.status() == AofScanner.Status.CORRUPT) {
        throw new AofLoadException("Bad file format reading the append only file " + e.name() + " at offset "
            + r.errorOffset() + " (" + r.error() + "): make a backup of your AOF file, then use"
            + " ./redgrid-check-aof --fix <filename.manifest>");
      }
      if (r.status() == AofScanner.Status.TRUNCATED) {
        boolean last = i == incrs.size() - 1;
        if (!last || !loadTruncated) {
          throw new AofLoadException("Unexpected end of file reading the append only file " + e.name()
              + " at offset " + r.okUpTo() + " (" + r.error() + "). You can: 1) Make a backup of your AOF file,"
              + " then use ./redgrid-check-aof --fix <filename.manifest>. 2) Alternatively you can set the"
              + " 'aof-load-truncated' configuration option to yes and restart the server.");
        }
        if (AofScanner.EOF_IN_MULTI.equals(r.error())) {
          log.warn("Revert incomplete MULTI/EXEC transactions in AOF file {}", e.name());
        }
        log.warn("!!! Warning: short read while loading the AOF file {}!!!", e.name());
        log.warn("!!! Truncating the AOF incr file {} at offset {} !!!", e.name(), r.okUpTo());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.truncate(r.okUpTo());
          ch.force(true);
        }
        log.warn("AOF {} loaded anyway because aof-load-truncated is enabled", e.name());
      }
      total += r.status() == AofScanner.Status.OK ? r.size() : r.okUpTo();
    }
    if (incrs.isEmpty()) {
      // Fresh (or base only, as after a rewrite with appendonly off): start an incr file.
      AofManifest.Entry incr = newIncrEntry(m);
      createEmpty(directory.resolve(incr.name()));
      m = m.withIncr(incr);
      m.writeAtomically(manifestPath);
      incrs = m.incrs();
    }
    for (int i = 0; i < incrs.size(); i++) {
      AofManifest.Entry e = incrs.get(i);
      boolean last = i == incrs.size() - 1;
      FileChannel ch = last
          ? FileChannel.open(directory.resolve(e.name()), StandardOpenOption.READ, StandardOpenOption.WRITE)
          : FileChannel.open(directory.resolve(e.name()), StandardOpenOption.READ);
      channels.put((int) e.seq(), ch);
      if (last) {
        current = ch;
        currentIncr = (int) e.seq();
        currentPos = ch.size();
        ch.position(currentPos);
      }
    }
    manifest = m;
    index = new ConcurrentHashMap<>(loaded);
    baseSize = m.base() == null ? 0 : sizeOf(directory.resolve(m.base().name()));
    currentSize = baseSize + total;
    sizeAtLastRewrite = currentSize;
  }

  private AofManifest.Entry newIncrEntry(AofManifest m) {
    long seq = m.lastSeq('i') + 1;
    return new AofManifest.Entry(AofManifest.incrName(appendFilename, seq), seq, 'i');
  }

  private static void createEmpty(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.force(true);
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  // ---------------------------------------------------------------- writer thread

  private void runWriter() {
    List<Object> ops = new ArrayList<>();
    List<Write> group = new ArrayList<>();
    try {
      while (true) {
        Object first = units.isEmpty() ? queue.take() : queue.poll(1, TimeUnit.SECONDS);
        synchronized (fileLock) {
          expireUnits();
          if (first == null) {
            continue;
          }
          ops.add(first);
          queue.drainTo(ops);
          for (Object op : ops) {
            if (op instanceof Write w) {
              if (w.unit() != 0) {
                arrive(w, group);
              } else {
                group.add(w);
              }
            } else {
              writeGroup(group);
              ((Task) op).body().run();
            }
          }
          writeGroup(group);
          pending.addAndGet(-ops.size());
        }
        ops.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A unit's part arrived: once every part is here, the unit goes into {@code group} as one
   * contiguous MULTI, parts, EXEC block (the group is one write). Per persistence id this keeps
   * seq order: a shard persists nothing else until its part is written.
   */
  private void arrive(Write part, List<Write> group) {
    PendingUnit u = units.computeIfAbsent(part.unit(), id -> new PendingUnit(part.parts()));
    u.arrived.add(part);
    if (part.data() == null) {
      u.failed = true;
    }
    if (u.arrived.size() < u.parts) {
      return;
    }
    units.remove(part.unit());
    if (u.failed) {
      failUnit(u, "a part of transaction unit " + part.unit() + " could not be encoded");
      return;
    }
    group.add(marker(AofRecord.multiMarker(part.unit(), u.parts)));
    group.addAll(u.arrived);
    group.add(marker(AofRecord.execMarker(part.unit())));
  }

  private static Write marker(byte[] bytes) {
    return new Write(bytes, null, null, null, null, 0, new CompletableFuture<>());
  }

  private static void failUnit(PendingUnit u, String why) {
    IOException failure = new IOException(why + ": the transaction is not persisted");
    for (Write w : u.arrived) {
      w.done().completeExceptionally(failure);
    }
  }

  /** Fails the units a part of which never came (see {@link #UNIT_TIMEOUT_NANOS}). */
  private void expireUnits() {
    if (units.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    var it = units.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      if (now - e.getValue().since > UNIT_TIMEOUT_NANOS) {
        it.remove();
        log.warn("AOF: transaction unit {} got {} of its {} parts in time; its parts fail", e.getKey(),
            e.getValue().arrived.size(), e.getValue().parts);
        failUnit(e.getValue(), "transaction unit " + e.getKey() + " incomplete");
      }
    }
  }

  /** Writes a drained group with one (gathering) write, then fsyncs under {@code always}. */
  private void writeGroup(List<Write> group) {
    if (group.isEmpty()) {
      return;
    }
    FileChannel ch = current;
    if (ch == null || startFailure != null) {
      for (Write w : group) {
        if (startFailure != null) {
          w.done().completeExceptionally(startFailure);
        } else {
          w.done().complete(null); // appendonly went off after the write was queued
        }
      }
      group.clear();
      return;
    }
    long start = currentPos;
    ByteBuffer[] bufs = new ByteBuffer[group.size()];
    long total = 0;
    for (int i = 0; i < bufs.length; i++) {
      bufs[i] = ByteBuffer.wrap(group.get(i).data());
      total += bufs[i].remaining();
    }
    try {
      long written = 0;
      while (written < total) {
        written += ch.write(bufs);
      }
      if (fsync == FsyncPolicy.ALWAYS) {
        ch.force(false);
        fsyncs.incrementAndGet();
      } else {
        dirty.set(true);
      }
    } catch (IOException e) {
      lastWriteOk = false;
      log.warn("Error writing to the AOF file {}: {}", AofManifest.incrName(appendFilename, currentIncr), e.toString());
      try {
        ch.truncate(start);
        ch.position(start);
      } catch (IOException ignored) {
        // Redis also only tries; the next write starts where the channel is.
      }
      for (Write w : group) {
        w.done().completeExceptionally(e);
      }
      group.clear();
      return;
    }
    lastWriteOk = true;
    currentPos = start + total;
    currentSize += total;
    long at = start;
    for (Write w : group) {
      if (w.persistenceId() == null) {
        at += w.data().length; // a unit's MULTI/EXEC marker
        continue;
      }
      PidIndex p = index.computeIfAbsent(w.persistenceId(), k -> new PidIndex());
      if (w.seqs() == null) {
        p.deleteTo(w.deleteTo());
      } else {
        for (int i = 0; i < w.seqs().length; i++) {
          p.append(w.seqs()[i], currentIncr, at + w.offsets()[i], w.lengths()[i]);
        }
      }
      at += w.data().length;
    }
    for (Write w : group) {
      w.done().complete(null);
    }
    group.clear();
  }

  private void backgroundFsync() {
    if (fsync != FsyncPolicy.EVERYSEC || !dirty.getAndSet(false)) {
      return;
    }
    FileChannel ch = current;
    if (ch == null) {
      return;
    }
    try {
      ch.force(false);
      fsyncs.incrementAndGet();
    } catch (IOException e) {
      // A rotated/closed channel was forced by its closer; other errors show on the next write.
      log.debug("background AOF fsync failed: {}", e.toString());
    }
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private static void complete(CompletableFuture<Void> done, IoAction action) {
    try {
      action.run();
      done.complete(null);
    } catch (Throwable e) {
      done.completeExceptionally(e);
    }
  }

  private void forceCurrent() throws IOException {
    FileChannel ch = current;
    if (ch != null) {
      ch.force(false);
      fsyncs.incrementAndGet();
      dirty.set(false);
    }
  }

  private int doRotate() throws IOException {
    AofManifest m = manifestOnDisk();
    AofManifest.Entry incr = newIncrEntry(m);
    if (current == null) {
      // appendonly no: nothing to rotate, but the number tells completeRewrite to keep no incr file.
      return (int) incr.seq();
    }
    forceCurrent();
    Path file = directory.resolve(incr.name());
    createEmpty(file);
    AofManifest next = m.withIncr(incr);
    next.writeAtomically(manifestPath);
    manifest = next;
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    channels.put((int) incr.seq(), ch);
    current = ch;
    currentIncr = (int) incr.seq();
    currentPos = 0;
    return currentIncr;
  }

  /** The manifest in memory, or (appendonly no, never loaded) the one on disk. */
  private AofManifest manifestOnDisk() throws IOException {
    if (manifest != null) {
      return manifest;
    }
    return Files.exists(manifestPath) ? AofManifest.parse(manifestPath) : AofManifest.EMPTY;
  }

  private long writeBase(IoConsumer<OutputStream> baseWriter) throws IOException {
    Files.createDirectories(directory);
    long seq = lastBaseSeq() + 1;
    AtomicFiles.write(directory.resolve(AofManifest.baseName(appendFilename, seq)), baseWriter);
    return seq;
  }

  private long lastBaseSeq() throws IOException {
    AofManifest m = manifest;
    if (m == null) {
      m = Files.exists(manifestPath) ? AofManifest.parse(manifestPath) : AofManifest.EMPTY;
    }
    return m.lastSeq('b');
  }

  private void switchToBase(long baseSeq, int firstKeptIncr) throws IOException {
    AofManifest m = manifestOnDisk();
    if (current != null && currentIncr < firstKeptIncr) {
      throw new IllegalStateException("rewrite would drop the current incr file " + currentIncr + ": rotate() first");
    }
    List<AofManifest.Entry> kept = new ArrayList<>();
    List<AofManifest.Entry> dropped = new ArrayList<>(m.history());
    if (m.base() != null) {
      dropped.add(m.base());
    }
    for (AofManifest.Entry e : m.incrs()) {
      (e.seq() >= firstKeptIncr ? kept : dropped).add(e);
    }
    AofManifest.Entry base = new AofManifest.Entry(AofManifest.baseName(appendFilename, baseSeq), baseSeq, 'b');
    AofManifest next = new AofManifest(base, List.of(), kept);
    next.writeAtomically(manifestPath);
    if (manifest != null) {
      manifest = next;
    }
    for (AofManifest.Entry e : dropped) {
      if (e.name().equals(base.name())) {
        continue;
      }
      if (e.type() == 'i') {
        closeQuietly(channels.remove((int) e.seq()));
      }
      Files.deleteIfExists(directory.resolve(e.name()));
    }
    for (PidIndex p : index.values()) {
      p.forgetFilesBefore(firstKeptIncr);
    }
    long size = sizeOf(directory.resolve(base.name()));
    long total = size;
    for (AofManifest.Entry e : kept) {
      total += sizeOf(directory.resolve(e.name()));
    }
    baseSize = size;
    currentSize = total;
    sizeAtLastRewrite = total;
  }

  /** appendonly on at run time: a fresh incr file; what the manifest listed becomes history. */
  private void openFresh() throws IOException {
    Files.createDirectories(directory);
    AofManifest old = Files.exists(manifestPath) ? AofManifest.parse(manifestPath) : AofManifest.EMPTY;
    List<AofManifest.Entry> history = new ArrayList<>(old.history());
    if (old.base() != null) {
      history.add(new AofManifest.Entry(old.base().name(), old.base().seq(), 'h'));
    }
    for (AofManifest.Entry e : old.incrs()) {
      history.add(new AofManifest.Entry(e.name(), e.seq(), 'h'));
    }
    long seq = old.lastSeq('i') + 1;
    AofManifest.Entry incr = new AofManifest.Entry(AofManifest.incrName(appendFilename, seq), seq, 'i');
    Path file = directory.resolve(incr.name());
    createEmpty(file);
    AofManifest next = new AofManifest(null, history, List.of(incr));
    next.writeAtomically(manifestPath);
    manifest = next;
    index = new ConcurrentHashMap<>();
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    channels.put((int) seq, ch);
    currentIncr = (int) seq;
    currentPos = 0;
    baseSize = 0;
    currentSize = 0;
    sizeAtLastRewrite = 0;
    startFailure = null;
    lastWriteOk = true;
    current = ch;
  }

  /** appendonly off at run time (or shutdown): fsync and close; replays see nothing any more. */
  private void closeFiles() {
    try {
      forceCurrent();
    } catch (IOException e) {
      lastWriteOk = false;
      log.warn("Can't fsync the AOF before closing it: {}", e.toString());
    }
    current = null;
    for (FileChannel ch : channels.values()) {
      closeQuietly(ch);
    }
    channels.clear();
    manifest = null;
    index = new ConcurrentHashMap<>();
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // closing a file we no longer need
      }
    }
  }

  /** ActorSystem termination: write and fsync what is queued, close the files, stop the threads. */
  void close() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    enqueue(new Task(() -> complete(done, this::closeFiles)));
    try {
      done.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("AOF close: {}", e.toString());
    }
    fsyncer.shutdownNow();
    writer.interrupt();
  }
}
