package io.redgrid.scripting.functions;

import io.redgrid.command.CommandError;
import io.redgrid.rdb.DumpPayload;
import io.redgrid.rdb.RdbFormatException;
import io.redgrid.rdb.RdbOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's Redis Functions: libraries by name and functions by name, with FUNCTION LOAD,
 * DELETE, FLUSH, DUMP and RESTORE as Redis 7.0's functions.c (same checks, order and texts).
 *
 * <p>Why one lock: libraries change on the script thread (FUNCTION LOAD ... holding shard 0,
 * which persists them, see {@code FunctionCommands}) and on shard 0's thread while it recovers,
 * and FUNCTION LIST / STATS and INFO read them from connections; every method holds this
 * registry's monitor, so the maps and the Lua state change together. FCALL looks a function up
 * here and runs its callback on the script thread without the lock.
 */
public final class FunctionRegistry {
  private static final Logger log = LoggerFactory.getLogger(FunctionRegistry.class);
  public static final String ENGINE = "LUA";

  /** How FUNCTION RESTORE treats existing libraries. */
  public enum RestorePolicy { APPEND, REPLACE, FLUSH }

  private final String redisVersion;
  private final long redisVersionNum;
  private FunctionsLua lua;
  private final Map<String, FunctionLibrary> libraries = new LinkedHashMap<>();
  private final Map<String, LibraryFunction> functions = new HashMap<>();

  public FunctionRegistry() {
    this("7.0.15", 0x07000f);
  }

  public FunctionRegistry(String redisVersion, long redisVersionNum) {
    this.redisVersion = redisVersion;
    this.redisVersionNum = redisVersionNum;
  }

  /** The functions Lua state, created on first use (no native state for nodes without functions). */
  public synchronized FunctionsLua lua() {
    if (lua == null) {
      lua = new FunctionsLua(redisVersion, redisVersionNum);
    }
    return lua;
  }

  /** The engine running the callbacks (script thread only). */
  public io.redgrid.scripting.LuaEngine engine() {
    return lua().engine();
  }

  /** FUNCTION LOAD [REPLACE]: returns the library name. */
  public synchronized String load(byte[] code, boolean replace) {
    LibraryHeader header = LibraryHeader.parse(code);
    FunctionLibrary old = libraries.get(header.name());
    if (old != null && !replace) {
      throw new CommandError("ERR Library '" + header.name() + "' already exists");
    }
    FunctionLibrary created = create(header, code);
    for (String name : created.functions().keySet()) {
      LibraryFunction existing = functions.get(name);
      if (existing != null && !existing.library().equals(header.name())) {
        drop(created);
        throw new CommandError("ERR Function " + name + " already exists");
      }
    }
    if (old != null) {
      unlink(old);
      drop(old);
    }
    link(created);
    return header.name();
  }

  /** Runs the library code; {@code ERR No functions registered} when it registers none. */
  private FunctionLibrary create(LibraryHeader header, byte[] code) {
    List<FunctionsLua.Registered> registered = lua().load(header.body());
    if (registered.isEmpty()) {
      throw new CommandError("ERR No functions registered");
    }
    Map<String, LibraryFunction> byName = new LinkedHashMap<>();
    for (FunctionsLua.Registered function : registered) {
      byName.put(function.name(), new LibraryFunction(function.name(), function.description(),
          Collections.unmodifiableSet(function.flags()), header.name(), function.callback()));
    }
    return new FunctionLibrary(header.name(), ENGINE, code, Collections.unmodifiableMap(byName));
  }

  /** FUNCTION DELETE. */
  public synchronized void delete(String name) {
    FunctionLibrary library = libraries.get(name);
    if (library == null) {
      throw new CommandError("ERR Library not found");
    }
    unlink(library);
    drop(library);
  }

  /** FUNCTION FLUSH: every library goes, and the Lua state with them (a fresh one on next load). */
  public synchronized void flush() {
    libraries.clear();
    functions.clear();
    if (lua != null) {
      lua.close();
      lua = null;
    }
  }

  /** The libraries in load order. */
  public synchronized List<FunctionLibrary> libraries() {
    return List.copyOf(libraries.values());
  }

  /** The function called {@code name}, or null. */
  public synchronized LibraryFunction function(String name) {
    return functions.get(name);
  }

  public synchronized int libraryCount() {
    return libraries.size();
  }

  public synchronized int functionCount() {
    return functions.size();
  }

  /** Every library's code, for snapshots, SAVE and FUNCTION DUMP. */
  public synchronized List<byte[]> codes() {
    List<byte[]> codes = new ArrayList<>(libraries.size());
    for (FunctionLibrary library : libraries.values()) {
      codes.add(library.code());
    }
    return codes;
  }

  /** FUNCTION DUMP's payload. */
  public byte[] dump() {
    return DumpPayload.dumpFunctions(codes(), RdbOptions.DEFAULT);
  }

  /** FUNCTION RESTORE payload [policy], all or nothing. */
  public synchronized void restore(byte[] payload, RestorePolicy policy) {
    if (!DumpPayload.verify(payload)) {
      throw new CommandError("ERR DUMP payload version or checksum are wrong");
    }
    List<byte[]> codes;
    try {
      codes = DumpPayload.restoreFunctions(payload);
    } catch (RdbFormatException e) {
      throw new CommandError("ERR " + e.getMessage().replaceFirst(" \\(at byte .*", ""));
    }
    Map<String, FunctionLibrary> restored = createAll(codes);
    try {
      if (policy == RestorePolicy.FLUSH) {
        // Not flush(): the restored callbacks live in the current Lua state.
        libraries.values().forEach(this::drop);
        libraries.clear();
        functions.clear();
        restored.values().forEach(this::link);
        return;
      }
      join(restored, policy == RestorePolicy.REPLACE);
    } catch (CommandError e) {
      restored.values().forEach(this::drop);
      throw e;
    }
  }

  /** Libraries from codes into a fresh context, as rdbFunctionLoad into a new functionsLibCtx. */
  private Map<String, FunctionLibrary> createAll(List<byte[]> codes) {
    Map<String, FunctionLibrary> created = new LinkedHashMap<>();
    Map<String, String> names = new HashMap<>();
    try {
      for (byte[] code : codes) {
        LibraryHeader header = LibraryHeader.parse(code);
        if (created.containsKey(header.name())) {
          throw new CommandError("ERR Library '" + header.name() + "' already exists");
        }
        FunctionLibrary library = create(header, code);
        created.put(library.name(), library);
        for (String name : library.functions().keySet()) {
          if (names.putIfAbsent(name, library.name()) != null) {
            throw new CommandError("ERR Function " + name + " already exists");
          }
        }
      }
    } catch (CommandError e) {
      created.values().forEach(this::drop);
      throw e;
    }
    return created;
  }

  /** Redis' libraryJoin: name clashes fail (or replace), function clashes always fail. */
  private void join(Map<String, FunctionLibrary> restored, boolean replace) {
    List<FunctionLibrary> replaced = new ArrayList<>();
    for (FunctionLibrary library : restored.values()) {
      FunctionLibrary old = libraries.get(library.name());
      if (old != null) {
        if (!replace) {
          throw new CommandError("ERR Library " + library.name() + " already exists");
        }
        replaced.add(old);
      }
    }
    replaced.forEach(this::unlink);
    for (FunctionLibrary library : restored.values()) {
      for (String name : library.functions().keySet()) {
        if (functions.containsKey(name)) {
          replaced.forEach(this::link); // revert
          throw new CommandError("ERR Function " + name + " already exists");
        }
      }
    }
    replaced.forEach(this::drop);
    restored.values().forEach(this::link);
  }

  /**
   * Recovery from a snapshot or an RDB file: the libraries become exactly {@code codes}. A
   * library that no longer loads is logged and skipped rather than failing the node's start.
   */
  public synchronized void replaceAll(List<byte[]> codes) {
    flush();
    for (byte[] code : codes) {
      try {
        load(code, true);
      } catch (CommandError e) {
        log.error("Could not load a function library while recovering: {}", e.getMessage());
      }
    }
  }

  /** Bytes of the functions Lua state (INFO used_memory_vm_functions). */
  public synchronized long luaMemory() {
    // An empty Lua 5.1 state with Redis' libraries uses about this much; none is created before use.
    return lua == null ? 33792 : lua.memoryBytes();
  }

  /** Bookkeeping bytes of libraries and functions (INFO used_memory_functions), estimated. */
  public synchronized long overheadMemory() {
    long bytes = 200; // Redis 7.0's empty functions context
    for (FunctionLibrary library : libraries.values()) {
      bytes += 64 + library.name().length() + library.code().length;
      for (LibraryFunction function : library.functions().values()) {
        bytes += 96 + function.name().length()
            + (function.description() == null ? 0 : function.description().length);
      }
    }
    return bytes;
  }

  private void link(FunctionLibrary library) {
    libraries.put(library.name(), library);
    functions.putAll(library.functions());
  }

  private void unlink(FunctionLibrary library) {
    libraries.remove(library.name());
    for (String name : library.functions().keySet()) {
      functions.remove(name);
    }
  }

  /** Releases the library's callbacks in the Lua state. */
  private void drop(FunctionLibrary library) {
    if (lua == null) {
      return;
    }
    for (LibraryFunction function : library.functions().values()) {
      lua.release(function.callback());
    }
  }
}
