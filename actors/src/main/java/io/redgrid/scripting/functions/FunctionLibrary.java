package io.redgrid.scripting.functions;

import java.util.Map;

/** A loaded library: its name, engine, full code (header included) and functions by name. */
public record FunctionLibrary(String name, String engine, byte[] code, Map<String, LibraryFunction> functions) {}
