package graph

import (
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store"
)

func storeNode(k model.Kind, props map[string]any) store.Node {
	return store.Node{ID: model.EntityID(k, "名"), Kind: k, Name: "名", Aliases: []string{"别名"}, Props: props, Method: "curated", Confidence: 1}
}
