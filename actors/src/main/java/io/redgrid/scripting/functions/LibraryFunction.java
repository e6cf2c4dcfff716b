package io.redgrid.scripting.functions;

import java.util.Set;

/**
 * One registered function: its name, optional description, flags, the library that registered
 * it and the registry reference of its Lua callback in the functions Lua state.
 */
public record LibraryFunction(String name, byte[] description, Set<FunctionFlag> flags, String library,
    int callback) {
  public boolean has(FunctionFlag flag) {
    return flags.contains(flag);
  }
}
