// The model's table of contexts and the harness's recipes: one recipe for
// every context, none for a context the model does not know.
#include "harness/caller/context_recipe.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "model/caller.hpp"

namespace clonediff::harness {
namespace {

TEST(ContextRecipes, EveryModelContextHasExactlyOneRecipe) {
  std::map<std::string, int> recipes;
  for (const ContextRecipe& r : context_recipes()) ++recipes[std::string(r.context)];
  for (const model::CallerContext& c : model::caller_contexts()) {
    EXPECT_EQ(recipes[std::string(c.name)], 1) << "context '" << c.name << "' (" << c.builds << ")";
    auto found = find_recipe(c.name);
    ASSERT_TRUE(found.ok()) << found.error().message;
    EXPECT_EQ((*found)->context, c.name);
  }
}

TEST(ContextRecipes, NoRecipeLacksAContext) {
  for (const ContextRecipe& r : context_recipes())
    EXPECT_TRUE(model::caller_preset(r.context).ok()) << "recipe '" << r.context << "' has no context in the model";
  EXPECT_EQ(context_recipes().size(), model::caller_contexts().size());
}

TEST(ContextRecipes, AnUnknownContextIsNamedWithTheKnownOnes) {
  auto none = find_recipe("pidns_iinit");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message.rfind("context 'pidns_iinit' has no recipe in this harness (contexts: root, unpriv, ", 0),
            0u)
      << none.error().message;
}

}  // namespace
}  // namespace clonediff::harness
