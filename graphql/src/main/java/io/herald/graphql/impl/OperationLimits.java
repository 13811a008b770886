package io.herald.graphql.impl;

import graphql.language.BooleanValue;
import graphql.language.Definition;
import graphql.language.Directive;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.IntValue;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.language.Value;
import graphql.language.VariableDefinition;
import graphql.language.VariableReference;
import io.herald.core.config.HeraldConfig;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Measures an operation as written and refuses one over a limit: depth, complexity, fields, aliases,
 * fragment nesting, and introspection when it is off. It runs on the parsed document, before graphql-java's
 * validation, whose cost grows faster than the document's for some shapes (a chain of fragments), and for
 * queries, mutations and subscriptions alike (subscriptions never reach graphql-java's execution).
 *
 * <p>Fragments count at every spread, so a document whose fragments spread each other twice expands to 2^n
 * fields. The walk never expands them: each fragment's cost is computed once (memoised by name) and added per
 * spread, in saturating arithmetic, and the walk stops at the first limit a part already exceeds. Its cost
 * grows with the document, not with the expansion. {@code @skip}/{@code @include} are not applied: validation
 * works on the document as written, so the limits bound what it costs. An introspection field counts as one
 * field; its selection is held to introspection's own bounds instead (see {@link #INTROSPECTION_MAX_FIELDS}).
 */
final class OperationLimits {

  /** Multiplier of a list field's children when it has no {@code limit} argument. */
  static final int DEFAULT_LIST_SIZE = 10;

  /**
   * Introspection's own bounds, those of graphql-java's good-faith introspection check (its expanded fields, its
   * depth below {@code __schema}/{@code __type}): that check expands the operation before it counts, so the
   * walk enforces them first. GraphiQL's full introspection query expands to about 200 fields, 15 deep.
   */
  static final int INTROSPECTION_MAX_FIELDS = graphql.introspection.GoodFaithIntrospection.GOOD_FAITH_MAX_FIELDS_COUNT;
  static final int INTROSPECTION_MAX_DEPTH = graphql.introspection.GoodFaithIntrospection.GOOD_FAITH_MAX_DEPTH_COUNT;

  /** Where the saturating measures stop: far above any limit, far below overflow (a multiplier is at most 100,000). */
  private static final long CAP = 1L << 40;

  /** What an operation costs; {@code publishes} counts its {@code publish} fields, fragments and aliases expanded. */
  record Measures(int depth, int complexity, int fields, int aliases, int publishes) {
  }

  /** The measures, and the document to validate and run: the operation and the fragments it reaches. */
  record Measured(Measures measures, Document document) {
  }

  private final int maxDepth;
  private final int maxComplexity;
  private final int maxFields;
  private final int maxAliases;
  private final int maxFragmentDepth;
  private final boolean introspection;

  OperationLimits(HeraldConfig config) {
    this.maxDepth = config.get(HeraldConfig.GRAPHQL_MAX_DEPTH);
    this.maxComplexity = config.get(HeraldConfig.GRAPHQL_MAX_COMPLEXITY);
    this.maxFields = config.get(HeraldConfig.GRAPHQL_MAX_FIELDS);
    this.maxAliases = config.get(HeraldConfig.GRAPHQL_MAX_ALIASES);
    this.maxFragmentDepth = config.get(HeraldConfig.GRAPHQL_MAX_FRAGMENT_DEPTH);
    this.introspection = io.herald.gateway.auth.SecurityPolicy.introspection(config);
  }

  /**
   * Measures {@code operation} of the parsed (not yet validated) {@code document}, with the request's raw
   * {@code variables} (a variable's default from the operation when the request has none).
   *
   * @throws LimitExceeded naming the first limit the operation is over
   */
  Measured check(Document document, OperationDefinition operation, Map<String, Object> variables) {
    Walked walked = walk(document, operation, variables);
    List<Definition> reached = new ArrayList<>();
    reached.add(operation);
    for (FragmentDefinition f : document.getDefinitionsOfType(FragmentDefinition.class)) {
      if (walked.fragments().contains(f.getName())) {
        reached.add(f); // duplicates too: validation reports them
      }
    }
    return new Measured(walked.measures(), document.transform(d -> d.definitions(reached)));
  }

  /**
   * The measures of {@code operation} with these {@code variables}, as {@link #check}, for a document checked before
   * (the fragments it reaches do not depend on the variables; a {@code limit} argument's value may).
   *
   * @throws LimitExceeded naming the first limit the operation is over
   */
  Measures measure(Document document, OperationDefinition operation, Map<String, Object> variables) {
    return walk(document, operation, variables).measures();
  }

  /** An operation's measures and the names of the fragments it reaches. */
  private record Walked(Measures measures, Set<String> fragments) {
  }

  private Walked walk(Document document, OperationDefinition operation, Map<String, Object> variables) {
    Map<String, FragmentDefinition> fragments = new HashMap<>();
    document.getDefinitionsOfType(FragmentDefinition.class).forEach(f -> fragments.putIfAbsent(f.getName(), f));
    Walk walk = new Walk(fragments, variables, operation);
    Cost cost = walk.selections(operation.getSelectionSet(), 1, 0, 0);
    return new Walked(new Measures(saturated(cost.depth), saturated(cost.complexity), saturated(cost.fields),
        saturated(cost.aliases), saturated(cost.publishes)), walk.costs.keySet());
  }

  private static int saturated(long value) {
    return (int) Math.min(value, Integer.MAX_VALUE);
  }

  /**
   * Throws if a part of the operation already exceeds a limit: the whole costs at least as much as a part. Inside
   * an introspection field ({@code introspectionBase} > 0: that field's level) only introspection's own bounds apply.
   */
  private void over(Cost part, int level, int introspectionBase) {
    if (introspectionBase > 0) {
      overIntrospection(part.fields, level - introspectionBase + part.depth);
      return;
    }
    over("depth", level - 1 + part.depth, maxDepth, HeraldConfig.GRAPHQL_MAX_DEPTH.key());
    over("complexity", part.complexity, maxComplexity, HeraldConfig.GRAPHQL_MAX_COMPLEXITY.key());
    over("field count", part.fields, maxFields, HeraldConfig.GRAPHQL_MAX_FIELDS.key());
    over("alias count", part.aliases, maxAliases, HeraldConfig.GRAPHQL_MAX_ALIASES.key());
    overIntrospection(part.introspectionFields, 0);
    if (!introspection && part.introspectionFields > 0) {
      throw new LimitExceeded("introspection is disabled (" + HeraldConfig.GRAPHQL_INTROSPECTION.key() + ")");
    }
  }

  private static void overIntrospection(long fields, long depth) {
    if (fields > INTROSPECTION_MAX_FIELDS || depth > INTROSPECTION_MAX_DEPTH) {
      throw new LimitExceeded("introspection over " + INTROSPECTION_MAX_FIELDS + " fields or "
          + INTROSPECTION_MAX_DEPTH + " levels deep");
    }
  }

  private static void over(String what, long value, int limit, String key) {
    if (value > limit) {
      throw new LimitExceeded("operation " + what + " " + value + " exceeds the limit " + key + " = " + limit);
    }
  }

  /** An operation over one of the limits; the message names it. */
  static final class LimitExceeded extends RuntimeException {
    LimitExceeded(String message) {
      super(message, null, false, false);
    }
  }

  /** Whether @skip / @include leave this selection in, for literal or variable conditions. */
  static boolean included(List<Directive> directives, Map<String, Object> variables) {
    for (Directive d : directives) {
      if (d.getName().equals("skip") || d.getName().equals("include")) {
        boolean condition = d.getArgument("if") != null && truthy(d.getArgument("if").getValue(), variables);
        if (d.getName().equals("skip") == condition) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean truthy(Value<?> value, Map<String, Object> variables) {
    if (value instanceof BooleanValue b) {
      return b.isValue();
    }
    return value instanceof VariableReference ref && Boolean.TRUE.equals(variables.get(ref.getName()));
  }

  /**
   * The cost of a selection set whose fields are at relative level 1: {@code depth} its deepest field's level,
   * {@code nesting} its deepest chain of fragment spreads, {@code introspectionFields} the fields in and under
   * its introspection fields (which count 1 each in {@code fields}). Saturating: see {@link #CAP}.
   */
  private record Cost(long depth, long complexity, long fields, long aliases, long publishes, int nesting,
                      long introspectionFields) {
    static final Cost NONE = new Cost(0, 0, 0, 0, 0, 0, 0);

    Cost plus(Cost o) {
      return new Cost(Math.max(depth, o.depth), add(complexity, o.complexity), add(fields, o.fields),
          add(aliases, o.aliases), add(publishes, o.publishes), Math.max(nesting, o.nesting),
          add(introspectionFields, o.introspectionFields));
    }

    private static long add(long a, long b) {
      return Math.min(a + b, CAP);
    }
  }

  private final class Walk {
    final Map<String, FragmentDefinition> fragments;
    final Map<String, Object> variables;
    final OperationDefinition operation;
    /** Each reached fragment's cost; {@link #VISITING} while it is being measured (a cycle reaches it again). */
    final Map<String, Cost> costs = new HashMap<>();

    Walk(Map<String, FragmentDefinition> fragments, Map<String, Object> variables, OperationDefinition operation) {
      this.fragments = fragments;
      this.variables = variables;
      this.operation = operation;
    }

    /**
     * The cost of {@code set}, whose fields are at {@code level}, reached through {@code nesting} spreads; inside
     * an introspection field when {@code introspectionBase} (that field's level) is not 0.
     */
    Cost selections(SelectionSet set, int level, int nesting, int introspectionBase) {
      Cost total = Cost.NONE;
      for (Selection<?> selection : set.getSelections()) {
        Cost cost;
        if (selection instanceof Field field) {
          cost = field(field, level, nesting, introspectionBase);
        } else if (selection instanceof InlineFragment inline) {
          cost = selections(inline.getSelectionSet(), level, nesting, introspectionBase);
        } else if (selection instanceof FragmentSpread spread) {
          cost = fragment(spread.getName(), level, nesting + 1, introspectionBase);
        } else {
          continue;
        }
        total = total.plus(cost);
        over(total, level, introspectionBase);
      }
      return total;
    }

    private Cost field(Field field, int level, int nesting, int introspectionBase) {
      if (introspectionBase > 0) {
        overIntrospection(0, level - introspectionBase);
      } else {
        over("depth", level, maxDepth, HeraldConfig.GRAPHQL_MAX_DEPTH.key());
      }
      boolean introspects = introspectionBase == 0
          && (field.getName().equals("__schema") || field.getName().equals("__type"));
      int base = introspects ? level : introspectionBase;
      Cost children = field.getSelectionSet() == null ? Cost.NONE
          : selections(field.getSelectionSet(), level + 1, nesting, base);
      if (introspects) {
        // Introspection is inherently deep (GraphiQL's own query is 15 levels): the field counts 1 against the
        // operation's limits, its selection only against introspection's own bounds; refused when off.
        return new Cost(1, 1, 1, field.getAlias() == null ? 0 : 1, 0, children.nesting, 1 + children.fields);
      }
      return new Cost(1 + children.depth, Math.min(1 + children.complexity * multiplier(field), CAP),
          1 + children.fields, (field.getAlias() == null ? 0 : 1) + children.aliases,
          (field.getName().equals("publish") ? 1 : 0) + children.publishes, children.nesting,
          children.introspectionFields);
    }

    /** A fragment's cost, measured once; spreads deeper than graphql.max_fragment_depth are refused on the way down. */
    private Cost fragment(String name, int level, int nesting, int introspectionBase) {
      if (nesting > maxFragmentDepth) {
        throw fragmentsTooDeep(nesting);
      }
      Cost known = costs.get(name);
      if (known == null) {
        FragmentDefinition fragment = fragments.get(name);
        if (fragment == null) {
          return Cost.NONE; // validation reports the unknown fragment
        }
        costs.put(name, VISITING);
        Cost inner = selections(fragment.getSelectionSet(), level, nesting, introspectionBase);
        known = new Cost(inner.depth, inner.complexity, inner.fields, inner.aliases, inner.publishes,
            inner.nesting + 1, inner.introspectionFields);
        costs.put(name, known);
      } else if (known == VISITING) {
        return Cost.NONE; // a cycle: validation refuses it
      }
      // Measured where it was first spread: here it may sit deeper.
      if (nesting - 1 + known.nesting > maxFragmentDepth) {
        throw fragmentsTooDeep(nesting - 1 + known.nesting);
      }
      over(known, level, introspectionBase);
      return known;
    }

    private LimitExceeded fragmentsTooDeep(int nesting) {
      return new LimitExceeded("operation fragment nesting " + nesting + " exceeds the limit "
          + HeraldConfig.GRAPHQL_MAX_FRAGMENT_DEPTH.key() + " = " + maxFragmentDepth);
    }

    /** A field with a {@code limit} argument returns up to that many items, each costing its children. */
    private int multiplier(Field field) {
      Value<?> limit = field.getArguments().stream().filter(a -> a.getName().equals("limit"))
          .map(a -> (Value<?>) a.getValue()).findFirst().orElse(null);
      if (limit == null) {
        return field.getSelectionSet() != null && LIST_FIELDS.contains(field.getName()) ? DEFAULT_LIST_SIZE : 1;
      }
      Object value = limit instanceof VariableReference ref ? variable(ref.getName())
          : limit instanceof IntValue i ? i.getValue() : null;
      return value instanceof Number n ? (int) Math.max(1, Math.min(n.longValue(), 100_000)) : DEFAULT_LIST_SIZE;
    }

    /** A variable's value as the request gives it, else its default in the operation (coercion comes later). */
    private Object variable(String name) {
      if (variables.containsKey(name)) {
        return variables.get(name);
      }
      for (VariableDefinition d : operation.getVariableDefinitions()) {
        if (d.getName().equals(name) && d.getDefaultValue() instanceof IntValue i) {
          return i.getValue();
        }
      }
      return null;
    }
  }

  private static final Cost VISITING = new Cost(0, 0, 0, 0, 0, 0, 0);

  /** The schema's list fields (Query.channels, history, presence). */
  private static final Set<String> LIST_FIELDS = Set.of("channels", "history", "presence");
}
